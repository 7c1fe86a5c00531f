import datetime as dt

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.params import IdChoiceField
from customers.models import Region
from feedback.models import FeedbackItem, JourneyStage
from meetings.models import Meeting, Section

from .models import MeasureTheme, Theme
from .selectors import Filters

ANY = [("", pgettext_lazy("filter matches every value", "Any"))]


class FilterSelect(forms.Select):
    """A plain <select>, written in Python.

    The filter form is drawn on every dashboard view; Django's default renders a
    template per option, which cost more CPU than all the widgets' queries. Same
    HTML (attributes from the bound field, the selected option marked).
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(v), mark_safe(" selected") if str(v) in chosen else "", label)  # noqa: S308
                for v, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        if isinstance(value, dt.date):
            return value.strftime("%Y-%m")
        return value


class MonthField(forms.DateField):
    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if value else value


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, read from the query string (a plain GET form)."""

    start = MonthField(label=_("From (month)"), required=False, help_text=_("For example 2026-01"))
    end = MonthField(label=_("To (month)"), required=False)
    region = IdChoiceField(
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("Any"),
        widget=FilterSelect,
    )
    country = forms.ChoiceField(required=False, widget=FilterSelect)
    meeting_type = forms.ChoiceField(
        label=_("Meeting type"),
        required=False,
        widget=FilterSelect,
        choices=ANY + list(Meeting.Type.choices),
    )
    meeting_kind = forms.ChoiceField(
        label=_("Meeting kind"),
        required=False,
        widget=FilterSelect,
        choices=ANY + list(Meeting.Kind.choices),
    )
    section = forms.ChoiceField(
        label=_("Agenda section"),
        required=False,
        widget=FilterSelect,
        choices=ANY + list(Section.choices),
    )
    stage = IdChoiceField(
        label=_("Journey stage"),
        queryset=JourneyStage.objects.all(),
        required=False,
        empty_label=_("Any"),
        widget=FilterSelect,
    )
    kind = forms.ChoiceField(
        label=_("Feedback kind"),
        required=False,
        widget=FilterSelect,
        choices=ANY + list(FeedbackItem.Kind.choices),
    )
    sentiment = forms.ChoiceField(
        required=False, widget=FilterSelect, choices=ANY + list(FeedbackItem.Sentiment.choices)
    )

    def __init__(self, *args, regions: list[int] | None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Region.objects.all()
        if regions is not None:
            allowed = allowed.filter(pk__in=regions)
        self.fields["region"].queryset = allowed
        names = {c.code: c.name for r in allowed for c in r.countries}
        self.fields["country"].choices = ANY + sorted(names.items(), key=lambda kv: kv[1])
        self.regions = regions

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end month must not be before the start month."))
        return data

    def filters(self) -> Filters:
        """Filters from the valid fields; an invalid field is ignored (and reported)."""
        data = self.cleaned_data if self.is_bound else {}
        if self.is_bound:
            data = {k: v for k, v in data.items() if k not in self.errors}
        regions = self.regions
        region = data.get("region")
        if region is not None:
            regions = [region.pk]
        return Filters(
            regions=regions,
            month_from=data.get("start"),
            month_to=data.get("end"),
            country=data.get("country") or "",
            meeting_type=data.get("meeting_type") or "",
            meeting_kind=data.get("meeting_kind") or "",
            section=data.get("section") or "",
            stage=data["stage"].pk if data.get("stage") else None,
            kind=data.get("kind") or "",
            sentiment=data.get("sentiment") or "",
        )


class ThemeRenameForm(forms.Form):
    name = forms.CharField(max_length=120, label=_("New name"))


class ThemeMergeForm(forms.Form):
    target = IdChoiceField(
        queryset=Theme.objects.filter(merged_into__isnull=True),
        label=_("Merge into"),
        empty_label=_("Choose a theme"),
    )


class MeasureThemeForm(forms.Form):
    theme = IdChoiceField(
        queryset=Theme.objects.filter(merged_into__isnull=True).order_by("name", "pk"),
        label=_("Theme"),
        empty_label=_("Choose a theme"),
    )


class MeasureThemeUnlinkForm(forms.Form):
    """Untie one of this measure's themes: another measure's link is not a choice."""

    link = IdChoiceField(queryset=None, widget=forms.HiddenInput)

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["link"].queryset = MeasureTheme.objects.filter(measure=measure)
