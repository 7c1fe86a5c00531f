from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django_countries.fields import CountryField

from customers.models import validate_time_zone


class Section(models.TextChoices):
    """Agenda sections, declared in the customer-first order."""

    CUSTOMER = "customer", "Customer"
    EMPLOYEES = "employees", "Employees"
    OPERATIONS = "operations", "Operational processes"
    MARKETING = "marketing", "Marketing"
    SALES = "sales", "Sales"
    FINANCE = "finance", "Finance"
    OTHER = "other", "Other"


CUSTOMER_FIRST_ORDER: tuple[str, ...] = tuple(Section.values)


class Meeting(models.Model):
    """A leadership meeting (or customer panel) with customer guests."""

    class Type(models.TextChoices):
        LEADERSHIP = "leadership", "Leadership meeting with customer guests"
        PANEL = "panel", "Customer panel"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        INVITED = "invited", "Invited"
        HELD = "held", "Held"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    class Kind(models.TextChoices):
        WAR = "war", "War"
        ADVERTISEMENT = "advertisement", "Advertisement"
        LOVE_IN = "love_in", "Love-In"
        FOUR_F = "4f", "4F"

    title = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=Type.choices, default=Type.LEADERSHIP)
    region = models.ForeignKey(
        "customers.Region", on_delete=models.PROTECT, related_name="meetings"
    )
    country = CountryField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    place = models.CharField(max_length=300, blank=True)
    video_link = models.URLField(blank=True)
    objectives = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_meetings"
    )
    co_owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_owned_meetings"
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="facilitated_meetings"
    )
    internal_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="attended_meetings"
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, blank=True)
    kind_reason = models.TextField(blank=True)
    kind_rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # iCalendar SEQUENCE: grows with every change sent to guests.
    ics_sequence = models.PositiveIntegerField(default=0)
    # Grows with every change to the agenda; a reorder posted against an older
    # version (a concurrent edit) is refused.
    agenda_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["region", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def length_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_panel(self) -> bool:
        return self.type == self.Type.PANEL

    @property
    def is_past(self) -> bool:

        return self.starts_at <= timezone.now()


class AgendaEntry(models.Model):
    """What an agenda item says, on a meeting's agenda or in a template: one set of fields."""

    # What a copy carries from one agenda to another (`agenda_copy`); the position is the
    # copy's own.
    CONTENT_FIELDS = ("section", "title", "presenter", "minutes", "notes")

    section = models.CharField(max_length=20, choices=Section.choices, default=Section.OTHER)
    title = models.CharField(max_length=200)
    presenter = models.CharField(max_length=200, blank=True)
    minutes = models.PositiveSmallIntegerField(default=10)
    notes = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title


def agenda_copy(entries, model: type[AgendaEntry], **parent) -> list[AgendaEntry]:
    """Unsaved `model` rows (AgendaItem or AgendaTemplateItem) saying what `entries` say, in
    their order, numbered from 0, under `parent` (`meeting=` or `template=`)."""
    return [
        model(
            **parent,
            **{name: getattr(entry, name) for name in AgendaEntry.CONTENT_FIELDS},
            position=position,
        )
        for position, entry in enumerate(entries)
    ]


class AgendaItem(AgendaEntry):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")

    class Meta:
        ordering = ["meeting", "position", "pk"]


class Booking(models.Model):
    """A customer contact booked as a guest of a meeting."""

    class Rsvp(models.TextChoices):
        PENDING = "pending", "Not answered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="bookings")
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.PROTECT, related_name="bookings"
    )
    rsvp = models.CharField(max_length=20, choices=Rsvp.choices, default=Rsvp.PENDING)
    rsvp_at = models.DateTimeField(null=True, blank=True)
    rsvp_note = models.TextField(blank=True)
    needs = models.TextField(blank=True, help_text="Accessibility or dietary needs.")
    chatham_acknowledged_at = models.DateTimeField(null=True, blank=True)
    rsvp_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Set when a leader recorded an answer given by phone or in person.",
    )
    attended = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "contact"], name="booking_unique_guest"),
        ]

    def __str__(self):
        return f"{self.contact} at {self.meeting}"


class AgendaTemplate(models.Model):
    """A starting agenda for new meetings. Shared ones (no owner) are the administrators';
    a leader's own are theirs to rename and delete, and offered to them alone."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The leader whose own template this is; empty: shared by everyone.",
    )
    is_default = models.BooleanField(
        default=False, help_text="New meetings start from the default template."
    )

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="agenda_template_one_default",
            ),
        ]

    def __str__(self):
        return self.name


class AgendaTemplateItem(AgendaEntry):
    template = models.ForeignKey(AgendaTemplate, on_delete=models.CASCADE, related_name="items")

    class Meta:
        ordering = ["template", "position", "pk"]


class PrepItem(models.Model):
    """One step of a meeting's preparation checklist, ticked by the team."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="prep_items")
    text = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.text

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class Question(models.Model):
    """The question bank: questions worth asking guests. The seed questions (no owner)
    are the administrators'; leaders add their own, which everyone may choose."""

    text = models.CharField(max_length=300, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The leader who added it; empty: a seed question.",
    )
    help = models.TextField(blank=True, help_text="Why this question helps; shown to facilitators.")
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text


class MeetingQuestion(models.Model):
    """A question a facilitator chose for a meeting, in the order it will be asked."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "question"], name="meeting_question_unique"),
        ]

    def __str__(self):
        return str(self.question)
