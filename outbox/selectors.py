from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Role

from .models import OutboxMail


def outbox_visible_to(*, user) -> QuerySet[OutboxMail]:
    """Mails the user may see: all for administrators; a leader's own meetings' mails."""
    mails = OutboxMail.objects.select_related("meeting")
    if user.has_role(Role.ADMINISTRATOR):
        return mails
    return mails.filter(
        Q(meeting__owner=user) | Q(meeting__co_owners=user) | Q(meeting__region__leaders=user)
    ).distinct()


def outbox_meeting_summary(*, meeting) -> dict[str, int]:
    """How many of a meeting's mails are in each status."""
    counts = dict(
        OutboxMail.objects.filter(meeting=meeting)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in OutboxMail.Status.values}


def mail_status_text(mail: OutboxMail) -> str:
    """The status in plain words, as the outbox page shows it."""

    def when(value):
        return date_format(timezone.localtime(value), "j M Y, H:i T")

    # A stored reason marked with gettext_noop (outbox.delivery, outbox.services) is
    # translated here; any other text (a server's error) is shown as it came.
    error = _(mail.last_error) if mail.last_error else ""
    if mail.status == OutboxMail.Status.SENT:
        return _("Sent %(when)s") % {"when": when(mail.sent_at)}
    if mail.status == OutboxMail.Status.FAILED:
        return _("Failed: %(error)s") % {"error": error or _("unknown error")}
    if mail.status == OutboxMail.Status.SKIPPED:
        return _("Not sent: %(reason)s") % {"reason": error}
    if mail.status == OutboxMail.Status.SENDING:
        return _("Sending now")
    if mail.due_at and mail.due_at > timezone.now():
        if mail.attempts:
            return _("Will try again %(when)s (last error: %(error)s)") % {
                "when": when(mail.due_at),
                "error": error,
            }
        return _("Scheduled for %(when)s") % {"when": when(mail.due_at)}
    return _("Queued, going out now")
