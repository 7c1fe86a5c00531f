"""Actions, "you said, we did" follow-ups, and the customer charter (its models in
`charter_models.py`, the endorsements in `endorsement_model.py`, imported at the end).

Nothing here stores who said what: an action may point at a feedback item (which
knows only its meeting and section), a follow-up is built from redacted feedback,
and an expectation link ties a feedback item to a charter item, never to a person.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Action(models.Model):
    """An owned piece of work answering what customers said (recover quickly and strongly)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        WONT_DO = "wont_do", _("Won't do")

    title = models.CharField(max_length=200, verbose_name=_("title"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("meeting"),
    )
    feedback_item = models.ForeignKey(
        "feedback.FeedbackItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("feedback item"),
    )
    region = models.ForeignKey(
        "customers.Region",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        help_text=_("Taken from the meeting when there is one."),
        verbose_name=_("region"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_actions",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(verbose_name=_("due date"))
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.OPEN,
        db_index=True,
        verbose_name=_("status"),
    )
    status_reason = models.TextField(
        blank=True, help_text=_("Why the action won't be done."), verbose_name=_("status reason")
    )
    what_was_done = models.TextField(blank=True, verbose_name=_("what was done"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="created_actions",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    completed_on = models.DateField(null=True, blank=True, verbose_name=_("completed on"))
    # Marked "Recover now" on a concern during capture: owned by the meeting's leader, due
    # within 48 hours, and counted in the dashboard's time to recovery.
    recover_now = models.BooleanField(default=False, verbose_name=_("recover now"))

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["feedback_item"],
                condition=Q(recover_now=True),
                name="action_one_recovery_per_item",
            ),
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
        "meetings.Meeting",
        on_delete=models.CASCADE,
        related_name="follow_up",
        verbose_name=_("meeting"),
    )
    introduction = models.TextField(blank=True, verbose_name=_("introduction"))
    closing = models.TextField(blank=True, verbose_name=_("closing"))
    # Feedback items the leader chose to answer; the snapshot is built from them.
    feedback_items = models.ManyToManyField(
        "feedback.FeedbackItem", blank=True, related_name="+", verbose_name=_("feedback items")
    )
    content = models.JSONField(default=dict, blank=True, verbose_name=_("content"))
    composed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("composed by"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    published_at = models.DateTimeField(
        null=True, blank=True, db_index=True, verbose_name=_("published at")
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    recipients_count = models.PositiveIntegerField(default=0, verbose_name=_("recipients count"))

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return _("You said, we did: %(meeting)s") % {"meeting": self.meeting}

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


# One module per model group: the charter and its measures, the endorsements.
from .charter_models import (  # noqa: E402, F401
    Charter,
    CharterItem,
    CharterVersion,
    ExpectationLink,
    Measure,
    MeasureValue,
)
from .endorsement_model import CharterEndorsement  # noqa: E402, F401
