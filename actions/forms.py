from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.params import IdChoiceField, IdMultipleChoiceField
from accounts.rules import is_administrator
from customers.models import Region
from customers.rules import led_region_ids

from .models import Action, Charter, CharterEndorsement, CharterItem, Measure
from .services import OWNER_ROLES


def eligible_owners():
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=[r.value for r in OWNER_ROLES]) | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class NoColon:
    """Labels read as plain words ("Status", not "Status:")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"


class OwnerField(IdChoiceField):
    """Offers the users who may own actions, but accepts any active user so that the
    service can say clearly why someone else cannot own one."""

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class ActionForm(NoColon, forms.Form):
    title = forms.CharField(max_length=200, help_text=_("What will be done, in a few words."))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    owner = OwnerField(
        queryset=User.objects.filter(is_active=True),
        help_text=_("A leader, facilitator or administrator."),
    )
    due_date = forms.DateField(widget=DateInput, help_text=_("Today or later."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        owner.widget.choices = [("", _("Choose an owner"))] + [
            (u.pk, owner.label_from_instance(u)) for u in eligible_owners()
        ]


class StatusForm(NoColon, forms.Form):
    status = forms.ChoiceField(choices=Action.Status.choices)
    what_was_done = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label=_("What was done"),
        help_text=_("Guests read this in “you said, we did”; name nobody."),
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label=_("Reason (for won't do)"),
    )


class FollowUpForm(NoColon, forms.Form):
    introduction = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Your words to the guests. Name nobody and no organisation."),
    )
    feedback_items = IdMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("What customers said, to answer"),
    )
    closing = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["feedback_items"].queryset = meeting.feedback_items.order_by("number")
        self.fields["feedback_items"].label_from_instance = lambda item: (
            _("%(section)s · %(kind)s: %(text)s")
            % {
                "section": item.get_section_display(),
                "kind": item.get_kind_display(),
                "text": item.text,
            }
        )


class CharterForm(NoColon, forms.ModelForm):
    class Meta:
        model = Charter
        fields = ["name", "region", "team"]
        field_classes = {"region": IdChoiceField}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not is_administrator(user):
            # A leader writes the charters of the regions they lead (actions/rules.py).
            self.fields["region"].queryset = Region.objects.filter(pk__in=led_region_ids(user))
            self.fields["region"].help_text = _("One of the regions you lead.")


class CharterItemForm(NoColon, forms.ModelForm):
    class Meta:
        model = CharterItem
        fields = ["category", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class MeasureForm(NoColon, forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["name", "unit", "target", "direction"]


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        return value.strftime("%Y-%m") if hasattr(value, "strftime") else value


class MeasureValueForm(NoColon, forms.Form):
    month = forms.DateField(widget=MonthInput, input_formats=["%Y-%m", "%Y-%m-%d"])
    value = forms.DecimalField(max_digits=12, decimal_places=2)


class ExpectationLinkForm(NoColon, forms.Form):
    NOT_ON_CHARTER = "none"

    placement = forms.ChoiceField(label=_("On the charter?"))
    label = forms.CharField(
        max_length=200,
        required=False,
        label=_("The expectation in a few words (when not on the charter)"),
        help_text=_("Expectations with the same words are counted together."),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {str(item.pk): item for item in items}
        self.fields["placement"].choices = [
            (self.NOT_ON_CHARTER, _("Not on the charter")),
            *[
                (pk, _("On it: %(item)s") % {"item": item.text[:90]})
                for pk, item in self.items.items()
            ],
        ]

    def chosen_item(self):
        value = self.cleaned_data["placement"]
        return None if value == self.NOT_ON_CHARTER else self.items[value]


class EndorsementForm(NoColon, forms.Form):
    """A guest's answer on one charter expectation. The expectations offered are the
    ones heard at the guest's meeting (`choices`): any other value is refused here."""

    expectation = forms.ChoiceField(widget=forms.HiddenInput)
    stance = forms.ChoiceField(
        label=_("Your organisation’s answer"),
        choices=CharterEndorsement.Stance.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose agree, disagree or suggest a change.")},
    )
    suggestion = forms.CharField(
        label=_("Your suggested change (optional unless you suggest one)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Please name nobody: names are removed."),
    )

    def __init__(self, *args, expectations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expectation"].choices = [
            (f"{h.charter.pk}:{h.lineage}", h.text) for h in expectations
        ]
