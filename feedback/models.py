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

    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=60)

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
        NEGATIVE = "negative", "Negative"
        NEUTRAL = "neutral", "Neutral"
        POSITIVE = "positive", "Positive"

    class Source(models.TextChoices):
        """Where the item came from: a category, never a person."""

        GUEST = "guest", "Customer guest"
        STAFF = "staff", "Our staff"
        GUEST_LINK = "guest_link", "Guest comment (meeting link)"

        @classmethod
        def from_guests(cls) -> tuple[str, ...]:
            return (cls.GUEST, cls.GUEST_LINK)

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, related_name="feedback_items"
    )
    section = models.CharField(max_length=20, choices=Section.choices, default=Section.CUSTOMER)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CONCERN)
    sentiment = models.CharField(
        max_length=10, choices=Sentiment.choices, default=Sentiment.NEUTRAL
    )
    stage = models.ForeignKey(
        JourneyStage, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="items")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.GUEST)
    # Only redacted text is ever stored (see feedback.redaction).
    text = models.TextField()
    # Order within the meeting; shown on the capture page only.
    number = models.PositiveIntegerField()
    # The meeting's date, never the time the item was captured.
    meeting_date = models.DateField(db_index=True)
    idempotency_key = models.UUIDField(unique=True)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="feedback_number_unique"),
        ]

    def __str__(self):
        return self.text[:60]


class CaptureState(models.Model):
    """Which agenda section a meeting's capture is on, shared by its facilitators.

    Holds no time and no person: only the section the next items go to.
    """

    meeting = models.OneToOneField(
        "meetings.Meeting", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    section = models.CharField(max_length=20, choices=Section.choices, default=Section.CUSTOMER)

    def __str__(self):
        return f"{self.meeting_id}: {self.section}"


class RegisterVersion(models.Model):
    """One row whose number changes whenever a contact, a user or an organisation is
    added, removed or renamed: the redactor's freshness signal (`feedback.redaction`).

    Changed only by database triggers (migration 0004), so that every writer — pages,
    services, the CSV import, the admin, a shell — is covered; never written by the app.
    """

    number = models.BigIntegerField(default=0)

    def __str__(self):
        return f"register version {self.number}"
