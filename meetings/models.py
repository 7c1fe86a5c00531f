from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from customers.models import validate_time_zone


class Section(models.TextChoices):
    """Agenda sections, declared in the customer-first order."""

    CUSTOMER = "customer", _("Customer")
    EMPLOYEES = "employees", _("Employees")
    OPERATIONS = "operations", _("Operational processes")
    MARKETING = "marketing", _("Marketing")
    SALES = "sales", _("Sales")
    FINANCE = "finance", _("Finance")
    OTHER = "other", _("Other")


CUSTOMER_FIRST_ORDER: tuple[str, ...] = tuple(Section.values)


class Meeting(models.Model):
    """A leadership meeting (or customer panel) with customer guests."""

    class Type(models.TextChoices):
        LEADERSHIP = "leadership", _("Leadership meeting with customer guests")
        PANEL = "panel", _("Customer panel")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        INVITED = "invited", _("Invited")
        HELD = "held", _("Held")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class Kind(models.TextChoices):
        WAR = "war", _("War")
        ADVERTISEMENT = "advertisement", _("Advertisement")
        LOVE_IN = "love_in", _("Love-In")
        FOUR_F = "4f", "4F"

    title = models.CharField(max_length=200, verbose_name=_("title"))
    type = models.CharField(
        max_length=20, choices=Type.choices, default=Type.LEADERSHIP, verbose_name=_("type")
    )
    region = models.ForeignKey(
        "customers.Region",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("region"),
    )
    country = CountryField(verbose_name=_("country"))
    starts_at = models.DateTimeField(verbose_name=_("starts at"))
    ends_at = models.DateTimeField(verbose_name=_("ends at"))
    time_zone = models.CharField(
        max_length=64, validators=[validate_time_zone], verbose_name=_("time zone")
    )
    place = models.CharField(max_length=300, blank=True, verbose_name=_("place"))
    video_link = models.URLField(blank=True, verbose_name=_("video link"))
    objectives = models.TextField(blank=True, verbose_name=_("objectives"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_meetings",
        verbose_name=_("owner"),
    )
    co_owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="co_owned_meetings",
        verbose_name=_("co owners"),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_meetings",
        verbose_name=_("facilitators"),
    )
    internal_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="attended_meetings",
        verbose_name=_("internal attendees"),
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        verbose_name=_("status"),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, blank=True, verbose_name=_("kind"))
    kind_reason = models.TextField(blank=True, verbose_name=_("kind reason"))
    kind_rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kind rated by"),
    )
    # iCalendar SEQUENCE: grows with every change sent to guests.
    ics_sequence = models.PositiveIntegerField(default=0, verbose_name=_("ics sequence"))
    # Grows with every change to the agenda; a reorder posted against an older
    # version (a concurrent edit) is refused.
    agenda_version = models.PositiveIntegerField(default=0, verbose_name=_("agenda version"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

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

    section = models.CharField(
        max_length=20, choices=Section.choices, default=Section.OTHER, verbose_name=_("section")
    )
    title = models.CharField(max_length=200, verbose_name=_("title"))
    presenter = models.CharField(max_length=200, blank=True, verbose_name=_("presenter"))
    minutes = models.PositiveSmallIntegerField(default=10, verbose_name=_("minutes"))
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    position = models.PositiveIntegerField(default=0, verbose_name=_("position"))

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
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )

    class Meta:
        ordering = ["meeting", "position", "pk"]


class Booking(models.Model):
    """A customer contact booked as a guest of a meeting."""

    class Rsvp(models.TextChoices):
        PENDING = "pending", _("Not answered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("meeting")
    )
    contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("contact"),
    )
    rsvp = models.CharField(
        max_length=20, choices=Rsvp.choices, default=Rsvp.PENDING, verbose_name=_("rsvp")
    )
    rsvp_at = models.DateTimeField(null=True, blank=True, verbose_name=_("rsvp at"))
    rsvp_note = models.TextField(blank=True, verbose_name=_("rsvp note"))
    needs = models.TextField(
        blank=True, help_text=_("Accessibility or dietary needs."), verbose_name=_("needs")
    )
    chatham_acknowledged_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("chatham acknowledged at")
    )
    rsvp_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Set when a leader recorded an answer given by phone or in person."),
        verbose_name=_("rsvp recorded by"),
    )
    attended = models.BooleanField(null=True, blank=True, verbose_name=_("attended"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "contact"], name="booking_unique_guest"),
        ]

    def __str__(self):
        return _("%(contact)s at %(meeting)s") % {"contact": self.contact, "meeting": self.meeting}


class AgendaTemplate(models.Model):
    """A starting agenda for new meetings. Shared ones (no owner) are the administrators';
    a leader's own are theirs to rename and delete, and offered to them alone."""

    name = models.CharField(max_length=100, unique=True, verbose_name=_("name"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The leader whose own template this is; empty: shared by everyone."),
        verbose_name=_("owner"),
    )
    is_default = models.BooleanField(
        default=False,
        help_text=_("New meetings start from the default template."),
        verbose_name=_("is default"),
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
    template = models.ForeignKey(
        AgendaTemplate, on_delete=models.CASCADE, related_name="items", verbose_name=_("template")
    )

    class Meta:
        ordering = ["template", "position", "pk"]


class PrepItem(models.Model):
    """One step of a meeting's preparation checklist, ticked by the team."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="prep_items", verbose_name=_("meeting")
    )
    text = models.CharField(max_length=300, verbose_name=_("text"))
    position = models.PositiveIntegerField(default=0, verbose_name=_("position"))
    done_at = models.DateTimeField(null=True, blank=True, verbose_name=_("done at"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
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

    text = models.CharField(max_length=300, unique=True, verbose_name=_("text"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The leader who added it; empty: a seed question."),
        verbose_name=_("owner"),
    )
    help = models.TextField(
        blank=True,
        help_text=_("Why this question helps; shown to facilitators."),
        verbose_name=_("help"),
    )
    position = models.PositiveIntegerField(default=0, verbose_name=_("position"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text


class MeetingQuestion(models.Model):
    """A question a facilitator chose for a meeting, in the order it will be asked."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="questions", verbose_name=_("meeting")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    position = models.PositiveIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "question"], name="meeting_question_unique"),
        ]

    def __str__(self):
        return str(self.question)
