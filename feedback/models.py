"""Captured feedback, under the Chatham House Rule.

Nothing here links to a contact, an organisation or a booking, and nothing records
when exactly an item was said: an item knows its meeting, its agenda section, its
order within the meeting (for the capture page only) and the meeting's date.
"""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from meetings.models import Section


class JourneyStage(models.Model):
    """A moment of truth / touch point on the customer journey (admin-managed)."""

    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=60, verbose_name=_("name"))

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_unique_ci")]

    def __str__(self):
        return self.name


class FeedbackItem(models.Model):
    class Kind(models.TextChoices):
        PRAISE = "praise", _("Praise")
        CONCERN = "concern", _("Concern")
        IDEA = "idea", _("Idea")
        QUESTION = "question", _("Question")
        EXPECTATION = "expectation", _("Expectation")

    class Sentiment(models.TextChoices):
        NEGATIVE = "negative", _("Negative")
        NEUTRAL = "neutral", _("Neutral")
        POSITIVE = "positive", _("Positive")

    class Source(models.TextChoices):
        """Where the item came from: a category, never a person."""

        GUEST = "guest", _("Customer guest")
        STAFF = "staff", _("Our staff")
        GUEST_LINK = "guest_link", _("Guest comment (meeting link)")

        @classmethod
        def from_guests(cls) -> tuple[str, ...]:
            return (cls.GUEST, cls.GUEST_LINK)

    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        related_name="feedback_items",
        verbose_name=_("meeting"),
    )
    section = models.CharField(
        max_length=20, choices=Section.choices, default=Section.CUSTOMER, verbose_name=_("section")
    )
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.CONCERN, verbose_name=_("kind")
    )
    sentiment = models.CharField(
        max_length=10,
        choices=Sentiment.choices,
        default=Sentiment.NEUTRAL,
        verbose_name=_("sentiment"),
    )
    stage = models.ForeignKey(
        JourneyStage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("stage"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="items", verbose_name=_("tags"))
    source = models.CharField(
        max_length=10, choices=Source.choices, default=Source.GUEST, verbose_name=_("source")
    )
    # Only redacted text is ever stored (see feedback.redaction).
    text = models.TextField(verbose_name=_("text"))
    # Order within the meeting; shown on the capture page only.
    number = models.PositiveIntegerField(verbose_name=_("number"))
    # The meeting's date, never the time the item was captured.
    meeting_date = models.DateField(db_index=True, verbose_name=_("meeting date"))
    idempotency_key = models.UUIDField(unique=True, verbose_name=_("idempotency key"))

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="feedback_number_unique"),
        ]

    def __str__(self):
        return self.text[:60]


class CaptureState(models.Model):
    """Which agenda section a meeting's capture is on, shared by its facilitators, and
    how long each section has run (for the balance meter's time boxes).

    Holds no person and no item's time: only the section the next items go to, when
    that section began, and the whole seconds each earlier section took.
    """

    meeting = models.OneToOneField(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("meeting"),
    )
    section = models.CharField(
        max_length=20, choices=Section.choices, default=Section.CUSTOMER, verbose_name=_("section")
    )
    section_started_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("section started at")
    )
    # {section value: whole seconds spent in it before the current one began}
    seconds_by_section = models.JSONField(
        default=dict, blank=True, verbose_name=_("seconds by section")
    )

    def __str__(self):
        return f"{self.meeting_id}: {self.section}"


class RegisterVersion(models.Model):
    """One row whose number changes whenever a contact, a user or an organisation is
    added, removed or renamed: the redactor's freshness signal (`feedback.redaction`).

    Changed only by database triggers (migration 0004), so that every writer — pages,
    services, the CSV import, the admin, a shell — is covered; never written by the app.
    """

    number = models.BigIntegerField(default=0, verbose_name=_("number"))

    def __str__(self):
        return f"register version {self.number}"
