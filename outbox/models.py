import base64

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMail(models.Model):
    """One outgoing mail to one recipient, sent at most once (pretalx's QueuedMail).

    The row is written in the transaction of the action that causes it; a Celery task
    sends it after commit, and a beat poller sends due scheduled rows and picks up rows
    whose task was lost. `delivery_key` is unique, so asking twice for the same mail
    returns the same row and never a second copy.
    """

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        UPDATE = "update", _("Update")
        CANCELLATION = "cancellation", _("Cancellation")
        REMINDER = "reminder", _("Reminder")
        THANK_YOU = "thank_you", _("Thank-you")
        FOLLOW_UP = "follow_up", _("“You said, we did” follow-up")
        ACTION_REMINDER = "action_reminder", _("Action reminder")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    # Mail a guest may opt out of; invitations, updates and cancellations always go.
    NON_ESSENTIAL_KINDS = frozenset({Kind.REMINDER, Kind.THANK_YOU, Kind.FOLLOW_UP})

    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.EmailField()
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_mails",
        db_index=False,  # the (meeting, kind) index serves it
    )
    subject = models.CharField(max_length=300)
    text_body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)
    # [{"filename": ..., "mimetype": ..., "content": base64}, ...]
    attachments = models.JSONField(default=list, blank=True)
    # When set, the mail is rendered again at send time by this registered renderer,
    # so a template fixed (or a meeting changed) while the mail waits applies to it.
    renderer = models.CharField(max_length=100, blank=True)
    render_args = models.JSONField(default=dict, blank=True)
    # Unique through Meta.constraints: the same guarantee without the extra LIKE index a
    # unique CharField gets on PostgreSQL (fewer indexes: faster bulk scheduling).
    delivery_key = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    # When the mail was last handed to the broker, and the lease of that hand-over: until
    # `claimed_until` passes, no sweeper hands the mail over again. The batch message
    # carries the lease, and a worker sends only rows whose lease is still that one, so a
    # batch handed over again makes the old message a no-op (never two live batches).
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # An earlier attempt may have reached the mail server without its outcome being
    # recorded: the claim found the row still "sending" (its worker died), or the
    # connection broke once the message had begun to go. Such a mail is first checked
    # with the provider, when a check is configured (outbox/acceptance.py). Once set it
    # stays set. `db_default`: rows written by raw SQL (outbox_schedule) get it too.
    in_doubt = models.BooleanField(default=False, db_default=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="outbox_status_due"),
            models.Index(fields=["meeting", "kind"], name="outbox_meeting_kind"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["delivery_key"], name="outbox_unique_delivery_key"),
        ]

    def __str__(self):
        return _("%(kind)s to %(recipient)s") % {
            "kind": self.get_kind_display(),
            "recipient": self.recipient,
        }

    @property
    def is_non_essential(self) -> bool:
        return self.kind in self.NON_ESSENTIAL_KINDS

    def attachment_tuples(self) -> list[tuple[str, bytes, str]]:
        return [
            (a["filename"], base64.b64decode(a["content"]), a["mimetype"]) for a in self.attachments
        ]

    def mark_sent(self, *, at=None) -> None:
        self.status = self.Status.SENT
        self.sent_at = at or timezone.now()
        self.last_error = ""
        self.save(update_fields=["status", "sent_at", "last_error", "updated_at"])

    def mark_failed(self, *, error: str) -> None:
        self.status = self.Status.FAILED
        self.last_error = error[:2000]
        self.save(update_fields=["status", "last_error", "updated_at"])

    def mark_skipped(self, *, reason: str) -> None:
        self.status = self.Status.SKIPPED
        self.last_error = reason[:2000]
        self.save(update_fields=["status", "last_error", "updated_at"])


def encode_attachments(attachments) -> list[dict]:
    return [
        {
            "filename": filename,
            "mimetype": mimetype,
            "content": base64.b64encode(content).decode("ascii"),
        }
        for filename, content, mimetype in attachments
    ]
