from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import Section

from .models import FeedbackItem
from .selectors import stage_choices

STAFF_SOURCES = [
    (FeedbackItem.Source.GUEST.value, _("Customer guest")),
    (FeedbackItem.Source.STAFF.value, _("Our staff")),
]


def _stage_options() -> list[tuple[str | int, str]]:
    return [("", _("No particular stage")), *stage_choices()]


def _split_tags(value: str) -> list[str]:
    return [t.strip() for t in (value or "").split(",") if t.strip()]


class CaptureForm(forms.Form):
    """One item as the facilitator types it. Validates without touching the database."""

    text = forms.CharField(
        label=_("What was said"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off", "spellcheck": "true"}),
        error_messages={"required": _("Type what was said before saving.")},
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    section = forms.ChoiceField(label=_("Agenda section"), choices=Section.choices)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=FeedbackItem.Kind.choices,
        initial=FeedbackItem.Kind.CONCERN,
        widget=forms.RadioSelect,
    )
    sentiment = forms.ChoiceField(
        label=_("Sentiment"),
        choices=FeedbackItem.Sentiment.choices,
        initial=FeedbackItem.Sentiment.NEUTRAL,
        widget=forms.RadioSelect,
    )
    source = forms.ChoiceField(
        label=_("Who said it (a category, never a name)"),
        choices=STAFF_SOURCES,
        initial=FeedbackItem.Source.GUEST,
        widget=forms.RadioSelect,
    )
    # The administrator's stages, read (from the cache) only to render the list or to
    # check a chosen stage: an item without one costs no look-up.
    stage = forms.IntegerField(
        label=_("Moment of truth"),
        required=False,
        widget=forms.Select(choices=_stage_options),
        error_messages={"invalid": _("Choose a moment of truth from the list.")},
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Comma-separated, e.g. invoices, response time"),
        widget=forms.TextInput(attrs={"list": "capture-tag-list", "autocomplete": "off"}),
    )

    def __init__(self, *args, sections=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sections:
            self.fields["section"].choices = sections

    def clean_stage(self) -> int | None:
        stage = self.cleaned_data.get("stage")
        if stage is not None and stage not in dict(stage_choices()):
            raise forms.ValidationError(_("Choose a moment of truth from the list."))
        return stage

    def clean_tags(self) -> list[str]:
        return _split_tags(self.cleaned_data.get("tags", ""))


class ItemEditForm(CaptureForm):
    """Correcting an item: the same fields, without a new key."""

    idempotency_key = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = Section.choices
        self.fields["kind"].widget = forms.Select()
        self.fields["sentiment"].widget = forms.Select()
        source = self.fields["source"]
        source.widget = forms.Select()
        source.choices = [
            *STAFF_SOURCES,
            (FeedbackItem.Source.GUEST_LINK.value, _("Guest comment (meeting link)")),
        ]


class GuestCommentForm(forms.Form):
    """A guest's own comment from their phone: no name asked, none kept."""

    text = forms.CharField(
        label=_("Your comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off"}),
        error_messages={"required": _("Write your comment before sending it.")},
    )
    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=[
            (FeedbackItem.Kind.CONCERN.value, _("Something that does not work for us")),
            (FeedbackItem.Kind.IDEA.value, _("An idea or a wish")),
            (FeedbackItem.Kind.PRAISE.value, _("Something that works well")),
            (FeedbackItem.Kind.QUESTION.value, _("A question")),
            (FeedbackItem.Kind.EXPECTATION.value, _("What we expect from you")),
        ],
        initial=FeedbackItem.Kind.CONCERN,
        widget=forms.RadioSelect,
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    SENTIMENT_FOR_KIND = {
        FeedbackItem.Kind.CONCERN.value: FeedbackItem.Sentiment.NEGATIVE,
        FeedbackItem.Kind.PRAISE.value: FeedbackItem.Sentiment.POSITIVE,
    }

    @property
    def sentiment(self) -> str:
        return self.SENTIMENT_FOR_KIND.get(
            self.cleaned_data["kind"], FeedbackItem.Sentiment.NEUTRAL
        )
