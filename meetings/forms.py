import datetime as dt
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.models import Role, User
from accounts.params import IdChoiceField, IdMultipleChoiceField
from customers.models import Region, validate_time_zone
from customers.timezones import default_time_zone

from .models import AgendaItem, AgendaTemplate, Meeting, Section
from .selectors import agenda_templates_for, staff_choices

LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")


class LocalDateTimeField(forms.Field):
    """A date and time as written on a wall clock; the form applies the meeting's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        for fmt in LOCAL_FORMATS:
            try:
                # Naive on purpose: the form applies the meeting's own time zone in clean().
                return dt.datetime.strptime(str(value).strip(), fmt)  # noqa: DTZ007
            except ValueError:
                continue
        raise ValidationError(_("Enter a date and time, for example 2026-12-03 10:00."))


def country_choices() -> list[tuple[str, str]]:
    # Called each time the form is shown, so that the names are in the reader's language
    # (a list built at import would keep the language of whichever request imported it).
    return [("", "---------"), *countries]


class MeetingForm(forms.Form):
    title = forms.CharField(max_length=200)
    type = forms.ChoiceField(
        choices=Meeting.Type.choices,
        label=_("Kind of meeting"),
        widget=forms.RadioSelect,
        initial=Meeting.Type.LEADERSHIP,
    )
    region = IdChoiceField(queryset=Region.objects.all())
    country = forms.ChoiceField(choices=country_choices)
    starts_at = LocalDateTimeField(label=_("Starts"), help_text=_("In the meeting's time zone."))
    ends_at = LocalDateTimeField(label=_("Ends"), help_text=_("In the meeting's time zone."))
    time_zone = forms.CharField(
        max_length=64,
        required=False,
        help_text=_(
            "Where the meeting takes place, for example Europe/Paris. Left empty, "
            "it is the country's zone (or the region's)."
        ),
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    place = forms.CharField(max_length=300, required=False)
    video_link = forms.URLField(required=False, assume_scheme="https")
    objectives = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    owner = IdChoiceField(queryset=None, required=False, help_text=_("A leader."))
    co_owners = IdMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Co-owners"),
        help_text=_("Other leaders who manage this meeting with you."),
    )
    facilitators = IdMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    internal_attendees = IdMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    # Set by the "Save and send the update" button once the leader saw who is told.
    confirm_update = forms.BooleanField(required=False, widget=forms.HiddenInput)
    template = IdChoiceField(
        queryset=AgendaTemplate.objects.all(),
        required=False,
        label=_("Agenda template"),
        help_text=_("The agenda the meeting starts with; you can change it afterwards."),
    )

    def __init__(self, *args, user, meeting: Meeting | None = None, **kwargs):
        self.user = user
        self.meeting = meeting
        super().__init__(*args, **kwargs)
        leaders = staff_choices(Role.LEADER)
        self.fields["owner"].queryset = leaders
        self.fields["co_owners"].queryset = leaders.exclude(pk=user.pk)
        self.fields["facilitators"].queryset = staff_choices(Role.FACILITATOR)

        self.fields["internal_attendees"].queryset = User.objects.filter(
            is_active=True, groups__isnull=False
        ).distinct()
        is_admin = user.has_role(Role.ADMINISTRATOR)
        if not is_admin:
            del self.fields["owner"]
        elif meeting is None and user.has_role(Role.LEADER):
            self.fields["owner"].initial = user.pk
        if meeting is not None:
            del self.fields["template"]
            if not self.is_bound:
                tz = zoneinfo.ZoneInfo(meeting.time_zone)
                self.initial.update(
                    {
                        "title": meeting.title,
                        "type": meeting.type,
                        "region": meeting.region_id,
                        "country": meeting.country.code,
                        "starts_at": meeting.starts_at.astimezone(tz).replace(tzinfo=None),
                        "ends_at": meeting.ends_at.astimezone(tz).replace(tzinfo=None),
                        "time_zone": meeting.time_zone,
                        "place": meeting.place,
                        "video_link": meeting.video_link,
                        "objectives": meeting.objectives,
                        "owner": meeting.owner_id,
                        "co_owners": [u.pk for u in meeting.co_owners.all()],
                        "facilitators": [u.pk for u in meeting.facilitators.all()],
                        "internal_attendees": [u.pk for u in meeting.internal_attendees.all()],
                    }
                )
        else:
            self.fields["template"].queryset = agenda_templates_for(user=user)
            self.fields["template"].initial = AgendaTemplate.objects.filter(is_default=True).first()
            self.fields["template"].empty_label = _("No agenda (start empty)")

    @property
    def zone_hint(self) -> str:
        """The zone the times are read in, as the page shows it beside them."""
        if self.is_bound:
            return str(self.data.get("time_zone") or "").strip()
        return str(self.initial.get("time_zone") or "")

    def clean_time_zone(self):
        value = self.cleaned_data["time_zone"].strip()
        if value:
            validate_time_zone(value)
        return value

    def clean(self):
        data = super().clean()
        if data.get("time_zone") == "":
            data["time_zone"] = default_time_zone(
                country=data.get("country"), region=data.get("region")
            )
        tz_name = data.get("time_zone")
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if tz_name and starts and ends:
            tz = zoneinfo.ZoneInfo(tz_name)
            data["starts_at"] = starts.replace(tzinfo=tz)
            data["ends_at"] = ends.replace(tzinfo=tz)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("ends_at", _("The meeting must end after it starts."))
        elif not tz_name:
            # Without a valid zone the times cannot be read; keep the user's input on the page.
            data.pop("starts_at", None)
            data.pop("ends_at", None)
        region, country = data.get("region"), data.get("country")
        if region and country and region.countries and country not in region.countries:
            names = ", ".join(c.name for c in region.countries)
            self.add_error(
                "country",
                _("%(region)s covers %(countries)s; choose one of them.")
                % {"region": region, "countries": names},
            )
        if "template" in self.fields:
            # "No agenda (start empty)" is the empty choice, sent as "": a form posted
            # without the field at all still starts from the default template.
            data["empty_agenda"] = data.get("template") is None and "template" in self.data
        if "owner" in self.fields and not data.get("owner"):
            self.add_error("owner", _("Choose the leader who owns this meeting."))
        return data


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["section", "title", "presenter", "minutes", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"minutes": _("How long the item takes.")}

    def clean_minutes(self):
        minutes = self.cleaned_data["minutes"]
        if minutes is None or minutes < 1 or minutes > 600:
            raise ValidationError(_("Give the item between 1 and 600 minutes."))
        return minutes


class KindForm(forms.Form):
    kind = forms.ChoiceField(
        choices=Meeting.Kind.choices,
        widget=forms.RadioSelect,
        label=_("What kind of meeting was it?"),
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Why?"),
        help_text=_("What happened that makes it this kind of meeting."),
    )


SECTION_CHOICES = Section.choices


class TemplateForm(forms.Form):
    name = forms.CharField(max_length=100, label=_("Template name"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("What it is for")
    )


class QuestionForm(forms.Form):
    text = forms.CharField(max_length=300, label=_("Question"))
    help_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label=_("Why it helps (shown to facilitators)"),
    )
    is_active = forms.BooleanField(
        required=False, initial=True, label=_("Offered to facilitators in the bank")
    )


class FrontLineStaffForm(forms.Form):
    """One of our own front-line staff, invited like a guest: a name and an email."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=200,
        error_messages={"required": gettext_lazy("Write the person's name.")},
    )
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        max_length=254,
        help_text=gettext_lazy("The invitation and their RSVP link go here; no account is needed."),
        error_messages={
            "required": gettext_lazy(
                "Write their email address: the invitation and RSVP link go there."
            ),
            "invalid": gettext_lazy("Enter an email address such as name@example.com."),
        },
    )
