from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.params import IdChoiceField
from meetings.models import Booking


class ComposeForm(forms.Form):
    personal_message = forms.CharField(
        label=_("A few words from you (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown at the top of every guest's invitation."),
    )
    reminder_days = forms.CharField(
        label=_("Reminders, in days before the meeting"),
        initial="7, 1",
        required=False,
        max_length=50,
        help_text=_("Comma-separated, for example “7, 1”. Leave empty for no reminders."),
    )

    def clean_reminder_days(self) -> list[int]:
        raw = self.cleaned_data["reminder_days"].replace(";", ",")
        days = []
        for part in filter(None, (p.strip() for p in raw.split(","))):
            if not part.isdigit() or not 1 <= int(part) <= 60:
                raise forms.ValidationError(
                    _("“%(value)s” is not a number of days from 1 to 60.") % {"value": part}
                )
            days.append(int(part))
        return sorted(set(days), reverse=True)


class RsvpForm(forms.Form):
    """The guest's answer, in the guest's language (its labels are translated)."""

    answer = forms.ChoiceField(
        label=_("Will you attend?"),
        choices=[
            (Booking.Rsvp.ACCEPTED, _("Yes, I will attend")),
            (Booking.Rsvp.DECLINED, _("No, I cannot attend")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you will attend.")},
    )
    # The acknowledgement says exactly the same in every language (docs/i18n.md).
    chatham_acknowledged = forms.BooleanField(
        label=_(
            "I will respect the Chatham House Rule: I may use what I hear, but will not "
            "reveal who said it or which organisation they are from."
        ),
        required=False,
    )
    needs = forms.CharField(
        label=_("Accessibility or dietary needs (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=_("A note for the host (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("answer") == Booking.Rsvp.ACCEPTED and not data.get("chatham_acknowledged"):
            self.add_error(
                "chatham_acknowledged", _("Please confirm you will respect the Chatham House Rule.")
            )
        return data


class RecordAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=Booking.Rsvp.choices,
    )
    note = forms.CharField(label=_("How and when they answered"), required=False, max_length=1000)
    needs = forms.CharField(
        label=_("Accessibility or dietary needs"), required=False, max_length=1000
    )
    chatham_acknowledged = forms.BooleanField(
        label=_("They acknowledged the Chatham House Rule"), required=False
    )


class CancelForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the guests (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("Yes, cancel this meeting and tell the invited guests"),
        error_messages={"required": _("Tick the box to confirm the cancellation.")},
    )


class ProposalBookForm(forms.Form):
    """A proposed guest to book: the contact and next month's meeting, each chosen among
    what the user may book (invitations.proposals), so another side's id is refused."""

    contact = IdChoiceField(queryset=None, widget=forms.HiddenInput)
    meeting = IdChoiceField(queryset=None, widget=forms.HiddenInput)

    def __init__(self, *args, contacts, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts.select_related("organisation")
        self.fields["meeting"].queryset = meetings
