"""The customer charter: its versions and their expectations, the measures that follow
an expectation month by month, and the expectations heard in feedback against it.

An expectation link ties a feedback item to a charter item, never to a person.
Imported by `actions.models`, so every model is still `actions.models.<Name>`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Charter(models.Model):
    """What a region's (or a team's) customers expect of it, kept in versions."""

    name = models.CharField(max_length=200, verbose_name=_("name"))
    region = models.OneToOneField(
        "customers.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="charter",
        verbose_name=_("region"),
    )
    team = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("For a team's charter rather than a region's."),
        verbose_name=_("team"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

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
        DRAFT = "draft", _("Draft")
        REVIEWED = "reviewed", _("Reviewed with customers")
        PUBLISHED = "published", _("Published")

    charter = models.ForeignKey(
        Charter, on_delete=models.CASCADE, related_name="versions", verbose_name=_("charter")
    )
    number = models.PositiveIntegerField(verbose_name=_("number"))
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        verbose_name=_("status"),
    )
    notes = models.TextField(
        blank=True, help_text=_("What changed, and what customers said."), verbose_name=_("notes")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reviewed at"))
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("published at"))

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
        return _("%(charter)s v%(number)s") % {"charter": self.charter, "number": self.number}

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class CharterItem(models.Model):
    """One expectation on a charter version.

    Copies of an item in later versions share its `lineage`, so that measures and
    heard expectations follow the item from version to version.
    """

    class Category(models.TextChoices):
        RESPONSIVENESS = "responsiveness", _("Responsiveness")
        RELIABILITY = "reliability", _("Reliability")
        COMMUNICATION = "communication", _("Communication")
        EXPERTISE = "expertise", _("Expertise")
        RELATIONSHIP = "relationship", _("Relationship")
        VALUE = "value", _("Value for money")
        OTHER = "other", _("Other")

    version = models.ForeignKey(
        CharterVersion, on_delete=models.CASCADE, related_name="items", verbose_name=_("version")
    )
    lineage = models.UUIDField(
        default=uuid.uuid4, editable=False, db_index=True, verbose_name=_("lineage")
    )
    category = models.CharField(
        max_length=20, choices=Category.choices, default=Category.OTHER, verbose_name=_("category")
    )
    text = models.TextField(
        help_text=_("What customers expect, in their words."), verbose_name=_("text")
    )
    position = models.PositiveIntegerField(default=0, verbose_name=_("position"))

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
        AT_LEAST = "at_least", _("At least the target")
        AT_MOST = "at_most", _("At most the target")

    charter = models.ForeignKey(
        Charter, on_delete=models.CASCADE, related_name="measures", verbose_name=_("charter")
    )
    lineage = models.UUIDField(
        db_index=True, help_text=_("The charter item this measures."), verbose_name=_("lineage")
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    unit = models.CharField(max_length=30, blank=True, verbose_name=_("unit"))
    target = models.DecimalField(max_digits=12, decimal_places=2, verbose_name=_("target"))
    direction = models.CharField(
        max_length=10,
        choices=Direction.choices,
        default=Direction.AT_LEAST,
        verbose_name=_("direction"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["charter", "name", "pk"]

    def __str__(self):
        return self.name

    def is_green(self, value) -> bool:
        if self.direction == self.Direction.AT_MOST:
            return value <= self.target
        return value >= self.target


class MeasureValue(models.Model):
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="values", verbose_name=_("measure")
    )
    month = models.DateField(
        help_text=_("The first day of the month measured."), verbose_name=_("month")
    )
    value = models.DecimalField(max_digits=12, decimal_places=2, verbose_name=_("value"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(auto_now=True, verbose_name=_("recorded at"))

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
        "feedback.FeedbackItem",
        on_delete=models.CASCADE,
        related_name="charter_link",
        verbose_name=_("feedback item"),
    )
    charter = models.ForeignKey(
        Charter, on_delete=models.CASCADE, related_name="heard", verbose_name=_("charter")
    )
    item = models.ForeignKey(
        CharterItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="heard",
        verbose_name=_("item"),
    )
    label = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            "The expectation in a few words; expectations with the same label are grouped."
        ),
        verbose_name=_("label"),
    )
    promoted_item = models.ForeignKey(
        CharterItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="promoted_from",
        verbose_name=_("promoted item"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("linked by"),
    )
    linked_at = models.DateTimeField(auto_now=True, verbose_name=_("linked at"))

    class Meta:
        ordering = ["charter", "label", "pk"]

    def __str__(self):
        return self.label or str(self.feedback_item)
