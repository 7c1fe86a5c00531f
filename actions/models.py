"""Actions, "you said, we did" follow-ups, and the customer charter.

Nothing here stores who said what: an action may point at a feedback item (which
knows only its meeting and section), a follow-up is built from redacted feedback,
and an expectation link ties a feedback item to a charter item, never to a person.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Action(models.Model):
    """An owned piece of work answering what customers said (recover quickly and strongly)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        WONT_DO = "wont_do", "Won't do"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    feedback_item = models.ForeignKey(
        "feedback.FeedbackItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    region = models.ForeignKey(
        "customers.Region",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        help_text="Taken from the meeting when there is one.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_actions"
    )
    due_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    status_reason = models.TextField(blank=True, help_text="Why the action won't be done.")
    what_was_done = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="created_actions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="wont_do") | ~Q(status_reason=""),
                name="action_wont_do_has_reason",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.WONT_DO)


class FollowUp(models.Model):
    """The "you said, we did" follow-up of one held meeting, sent once to its guests.

    `content` is the snapshot guests read (sections of redacted feedback and the
    actions taken on it); it is frozen when the follow-up is published.
    """

    meeting = models.OneToOneField(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="follow_up"
    )
    introduction = models.TextField(blank=True)
    closing = models.TextField(blank=True)
    # Feedback items the leader chose to answer; the snapshot is built from them.
    feedback_items = models.ManyToManyField("feedback.FeedbackItem", blank=True, related_name="+")
    content = models.JSONField(default=dict, blank=True)
    composed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recipients_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return f"You said, we did: {self.meeting}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Charter(models.Model):
    """What a region's (or a team's) customers expect of it, kept in versions."""

    name = models.CharField(max_length=200)
    region = models.OneToOneField(
        "customers.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="charter",
    )
    team = models.CharField(
        max_length=200, blank=True, help_text="For a team's charter rather than a region's."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=False) | ~Q(team=""),
                name="charter_region_or_team",
            ),
        ]

    def __str__(self):
        return self.name


class CharterVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEWED = "reviewed", "Reviewed with customers"
        PUBLISHED = "published", "Published"

    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    notes = models.TextField(blank=True, help_text="What changed, and what customers said.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["charter", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["charter", "number"], name="charter_version_number_unique"
            ),
            # One version at a time is being written: the next draft.
            models.UniqueConstraint(
                fields=["charter"],
                condition=~Q(status="published"),
                name="charter_one_unpublished_version",
            ),
        ]

    def __str__(self):
        return f"{self.charter} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class CharterItem(models.Model):
    """One expectation on a charter version.

    Copies of an item in later versions share its `lineage`, so that measures and
    heard expectations follow the item from version to version.
    """

    class Category(models.TextChoices):
        RESPONSIVENESS = "responsiveness", "Responsiveness"
        RELIABILITY = "reliability", "Reliability"
        COMMUNICATION = "communication", "Communication"
        EXPERTISE = "expertise", "Expertise"
        RELATIONSHIP = "relationship", "Relationship"
        VALUE = "value", "Value for money"
        OTHER = "other", "Other"

    version = models.ForeignKey(CharterVersion, on_delete=models.CASCADE, related_name="items")
    lineage = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    text = models.TextField(help_text="What customers expect, in their words.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "lineage"], name="charter_item_lineage_once_per_version"
            ),
        ]

    def __str__(self):
        return self.text[:80]


class Measure(models.Model):
    """How customers see one charter item, measured against a target every month."""

    class Direction(models.TextChoices):
        AT_LEAST = "at_least", "At least the target"
        AT_MOST = "at_most", "At most the target"

    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="measures")
    lineage = models.UUIDField(db_index=True, help_text="The charter item this measures.")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=30, blank=True)
    target = models.DecimalField(max_digits=12, decimal_places=2)
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.AT_LEAST
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["charter", "name", "pk"]

    def __str__(self):
        return self.name

    def is_green(self, value) -> bool:
        if self.direction == self.Direction.AT_MOST:
            return value <= self.target
        return value >= self.target


class MeasureValue(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    month = models.DateField(help_text="The first day of the month measured.")
    value = models.DecimalField(max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["measure", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "month"], name="measure_value_once_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="measure_value_month_start"),
        ]

    def __str__(self):
        return f"{self.measure} {self.month:%Y-%m}: {self.value}"


class ExpectationLink(models.Model):
    """An expectation heard (a feedback item of kind "expectation") against a charter.

    Either it is on the charter (`item` set) or it is not (`item` empty); a heard
    expectation that is not on the charter may be promoted into the next draft.
    Lives here, not in feedback, so that feedback never depends on actions.
    """

    feedback_item = models.OneToOneField(
        "feedback.FeedbackItem", on_delete=models.CASCADE, related_name="charter_link"
    )
    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="heard")
    item = models.ForeignKey(
        CharterItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="heard",
    )
    label = models.CharField(
        max_length=200,
        blank=True,
        help_text="The expectation in a few words; expectations with the same label are grouped.",
    )
    promoted_item = models.ForeignKey(
        CharterItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="promoted_from",
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["charter", "label", "pk"]

    def __str__(self):
        return self.label or str(self.feedback_item)
