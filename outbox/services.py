"""The outbox: the one way mail leaves Open Chair.

Other apps call `outbox_enqueue` (one mail) or `outbox_enqueue_many` (scheduled mail in
bulk) inside their own transaction. Nothing is sent inside that transaction: the send
task is handed to Celery with `transaction.on_commit`, and scheduled rows (a future
`due_at`) are picked up by the beat poller `outbox_dispatch_due`.
"""

import logging
import re
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import OutboxMail, encode_attachments
from .renderers import RenderedMail, SkipMail, get_renderer

logger = logging.getLogger(__name__)


def _setting(name: str, default):
    return getattr(settings, name, default)


def max_attempts() -> int:
    return _setting("OUTBOX_MAX_ATTEMPTS", 6)


def stale_after() -> timedelta:
    return timedelta(seconds=_setting("OUTBOX_STALE_AFTER_SECONDS", 300))


def retry_delay(attempts: int) -> int:
    """Exponential backoff in seconds, capped far below the broker's visibility timeout."""
    base = _setting("OUTBOX_RETRY_BASE_SECONDS", 60)
    cap = _setting("OUTBOX_RETRY_MAX_SECONDS", 30 * 60)
    return int(min(cap, base * 2 ** max(0, attempts - 1)))


def _schedule_send(mail_ids: Sequence[int]) -> None:
    """Hand mails to Celery once the caller's transaction commits.

    A broker that is down must not break the caller (the invitation page): the rows
    stay queued and the poller sends them when the broker is back.
    """

    def publish():
        from .tasks import send_mail_task

        for mail_id in mail_ids:
            try:
                send_mail_task.delay(mail_id)
            except Exception:  # kombu raises many kinds; all mean "not published now"
                logger.warning("outbox: could not publish mail %s; the poller will", mail_id)
                return

    # Do not move this inside the transaction: the worker must see the committed row.
    transaction.on_commit(publish)


def outbox_enqueue(
    *,
    kind: str,
    recipient: str,
    subject: str,
    text_body: str,
    html_body: str = "",
    delivery_key: str,
    meeting=None,
    due_at: datetime | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    renderer: str = "",
    render_args: dict | None = None,
) -> OutboxMail:
    """Queue one mail to one recipient, at most once per `delivery_key`.

    Writes the row in the caller's transaction. A second call with the same key returns
    the existing row unchanged and never sends again (whatever its status). Unless
    `due_at` is in the future, the send task is scheduled after commit; scheduled mail
    is sent by the beat poller when due. With `renderer`, the content is rendered again
    at send time (see `outbox.renderers`); the given content is what the page shows
    until then.
    """
    existing = OutboxMail.objects.filter(delivery_key=delivery_key).first()
    if existing is not None:
        return existing
    now = timezone.now()
    immediate = due_at is None or due_at <= now
    mail = OutboxMail(
        kind=kind,
        recipient=recipient,
        subject=subject[:300],
        text_body=text_body,
        html_body=html_body,
        delivery_key=delivery_key,
        meeting=meeting,
        due_at=due_at,
        attachments=encode_attachments(attachments),
        renderer=renderer,
        render_args=render_args or {},
        enqueued_at=now if immediate else None,
    )
    mail.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            mail.save()
    except IntegrityError:
        # Another transaction queued the same mail first: theirs is the one.
        return OutboxMail.objects.get(delivery_key=delivery_key)
    if immediate:
        _schedule_send([mail.pk])
    return mail


def outbox_enqueue_many(mails: Iterable[OutboxMail], *, batch_size: int = 2000) -> int:
    """Queue many mails in bulk; rows whose delivery key exists are left as they are.

    For scheduled mail (reminders, thank-yous): rows with a future `due_at` are sent by
    the poller. Rows already due are handed to Celery after commit. Returns how many
    rows were new.
    """
    now = timezone.now()
    mails = list(mails)
    keys = [m.delivery_key for m in mails]
    existing = set()
    for start in range(0, len(keys), 10000):
        existing.update(
            OutboxMail.objects.filter(delivery_key__in=keys[start : start + 10000]).values_list(
                "delivery_key", flat=True
            )
        )
    new = [m for m in mails if m.delivery_key not in existing]
    for mail in new:
        if mail.due_at is None or mail.due_at <= now:
            mail.enqueued_at = now
    OutboxMail.objects.bulk_create(new, batch_size=batch_size, ignore_conflicts=True)
    due_keys = [m.delivery_key for m in new if m.enqueued_at is not None]
    if due_keys:
        _schedule_send(
            list(OutboxMail.objects.filter(delivery_key__in=due_keys).values_list("pk", flat=True))
        )
    return len(new)


def outbox_retry(*, mail: OutboxMail) -> bool:
    """Send a failed mail again. Never makes a second copy: the same row is re-queued,
    and only a failed row can be (a sent mail stays sent). Returns whether it was."""
    updated = OutboxMail.objects.filter(pk=mail.pk, status=OutboxMail.Status.FAILED).update(
        status=OutboxMail.Status.QUEUED,
        attempts=0,
        due_at=None,
        enqueued_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if updated:
        _schedule_send([mail.pk])
    return bool(updated)


def outbox_dispatch_due(*, stale: timedelta | None = None, limit: int = 5000) -> int:
    """The beat poller: hand to Celery every mail that is due and not in flight.

    That is queued mail whose time has come and that was never handed over or was
    handed over longer than `stale` ago (its broker message was lost), and mail left
    "sending" longer than `stale` ago (its worker died). The send task claims rows
    under a lock and ignores sent ones, so handing a mail over twice sends it once.
    """
    now = timezone.now()
    stale = stale_after() if stale is None else stale
    cutoff = now - stale
    due = Q(status=OutboxMail.Status.QUEUED) & (Q(due_at__isnull=True) | Q(due_at__lte=now))
    due &= Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=cutoff)
    stuck = Q(status=OutboxMail.Status.SENDING) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lte=cutoff)
    )
    with transaction.atomic():
        ids = list(
            OutboxMail.objects.filter(due | stuck)
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            OutboxMail.objects.filter(pk__in=ids).update(enqueued_at=now)
            _schedule_send(ids)
    return len(ids)


# --- sending -------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryResult:
    outcome: str  # sent, skipped, failed, retry, ignored
    retry_in: int | None = None


def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code < 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code < 500 or isinstance(exc, smtplib.SMTPAuthenticationError)
    return isinstance(exc, smtplib.SMTPException | OSError | TimeoutError)


def _render(mail: OutboxMail) -> None:
    """Render the mail again from its source, if it has one, into the row (unsaved)."""
    if not mail.renderer:
        return
    rendered: RenderedMail = get_renderer(mail.renderer)(mail=mail, **mail.render_args)
    mail.subject = rendered.subject[:300]
    mail.text_body = rendered.text_body
    mail.html_body = rendered.html_body
    mail.attachments = encode_attachments(rendered.attachments)


def _recipient_opted_out(mail: OutboxMail) -> bool:
    from customers.models import Contact

    return Contact.objects.filter(email__iexact=mail.recipient, opted_out_at__isnull=False).exists()


def outbox_deliver(*, mail_id: int) -> DeliveryResult:
    """Send one queued mail through Django's mail backend, at most once.

    Guarantees: a sent row is never sent again; a row locked by another worker is left
    to it. The claim (attempts + 1) is committed first, so a mail that kills its worker
    every time still ends "failed" after the attempt limit. The row is marked sent in
    the same transaction as the send and committed right after it, so a worker killed
    before the mail left leaves the row unsent (the poller re-sends it) and only a death
    in the instant between the mail server's acceptance and the commit could repeat it.
    """
    from .mail import build_message

    now = timezone.now()
    with transaction.atomic():
        mail = (
            OutboxMail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, status__in=[OutboxMail.Status.QUEUED, OutboxMail.Status.SENDING])
            .first()
        )
        if mail is None:
            return DeliveryResult("ignored")
        if mail.due_at and mail.due_at > now + timedelta(seconds=5):
            return DeliveryResult("ignored")
        if mail.attempts >= max_attempts():
            mail.mark_failed(
                error=f"Gave up after {mail.attempts} attempts. {mail.last_error}".strip()
            )
            return DeliveryResult("failed")
        mail.status = OutboxMail.Status.SENDING
        mail.attempts += 1
        mail.claimed_at = now
        mail.save(update_fields=["status", "attempts", "claimed_at", "updated_at"])

    error: Exception | None = None
    try:
        with transaction.atomic():
            mail = (
                OutboxMail.objects.select_for_update(skip_locked=True)
                .filter(pk=mail_id, status=OutboxMail.Status.SENDING)
                .first()
            )
            if mail is None:
                return DeliveryResult("ignored")
            try:
                _render(mail)
                if mail.is_non_essential and _recipient_opted_out(mail):
                    raise SkipMail("The recipient opted out of this kind of mail.")
            except SkipMail as skip:
                mail.mark_skipped(reason=str(skip))
                return DeliveryResult("skipped")
            message = build_message(mail)
            mail.status = OutboxMail.Status.SENT
            mail.sent_at = timezone.now()
            mail.last_error = ""
            mail.save()
            message.send(fail_silently=False)
            # Commit now: nothing between the send and the commit.
    except Exception as exc:
        error = exc

    if error is None:
        return DeliveryResult("sent")
    transient = _is_transient(error)
    description = f"{type(error).__name__}: {error}"[:2000]
    logger.warning("outbox: mail %s not sent: %s", mail_id, description)
    with transaction.atomic():
        mail = (
            OutboxMail.objects.select_for_update()
            .filter(pk=mail_id, status=OutboxMail.Status.SENDING)
            .first()
        )
        if mail is None:
            return DeliveryResult("ignored")
        if transient and mail.attempts < max_attempts():
            delay = retry_delay(mail.attempts)
            mail.status = OutboxMail.Status.QUEUED
            mail.last_error = description
            mail.due_at = timezone.now() + timedelta(seconds=delay)
            mail.enqueued_at = timezone.now()
            mail.save(update_fields=["status", "last_error", "due_at", "enqueued_at", "updated_at"])
            return DeliveryResult("retry", retry_in=delay)
        mail.mark_failed(error=description)
        return DeliveryResult("failed")


def outbox_opt_out(*, email: str) -> int:
    """Record that the person at `email` wants no more non-essential mail.

    Honoured at once: their contact record is marked, their queued reminders,
    thank-yous and follow-ups are marked "not sent", and the send task checks again
    just before sending. Invitations, updates and cancellations still go out.
    Returns how many queued mails were withdrawn.
    """
    from customers.models import Contact

    now = timezone.now()
    Contact.objects.filter(email__iexact=email, opted_out_at__isnull=True).update(opted_out_at=now)
    return OutboxMail.objects.filter(
        recipient__iexact=email,
        status=OutboxMail.Status.QUEUED,
        kind__in=list(OutboxMail.NON_ESSENTIAL_KINDS),
    ).update(
        status=OutboxMail.Status.SKIPPED,
        last_error="The recipient opted out of this kind of mail.",
        updated_at=now,
    )


ERASED_REASON = "The recipient's contact details were erased at their request."
ERASED_MARK = "[erased]"


@transaction.atomic
def outbox_forget_recipient(*, email: str, name: str = "") -> tuple[int, int]:
    """Erase a person from the outbox (their contact was erased; see `receivers`).

    Mail to them that has not gone out (queued, scheduled, being sent, failed) is
    withdrawn: "not sent" with the reason, never sent or retried later. On every row
    to them, sent ones included, the address, the bodies and the attachments (the .ics
    names them) are cleared, and their address and name are cut out of the subject and
    the last error (an SMTP refusal quotes the address). The delivery key, kind,
    meeting, status and times stay, so a mail already sent is still never sent again
    and the counts stay right. Returns (withdrawn, scrubbed).
    """
    email = (email or "").strip()
    if not email:
        return 0, 0
    now = timezone.now()
    rows = OutboxMail.objects.filter(recipient__iexact=email)
    withdrawn = rows.filter(
        status__in=[
            OutboxMail.Status.QUEUED,
            OutboxMail.Status.SENDING,
            OutboxMail.Status.FAILED,
        ]
    ).update(status=OutboxMail.Status.SKIPPED, last_error=ERASED_REASON, updated_at=now)
    personal = sorted({email, name.strip()} - {""}, key=len, reverse=True)
    # Whole words, any case: "ADA LOVELACE" goes, "Adamant" stays.
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(p)}(?!\w)" for p in personal), re.IGNORECASE)
    mails = list(rows.only("pk", "subject", "last_error"))
    for mail in mails:
        mail.recipient = ""
        mail.subject = pattern.sub(ERASED_MARK, mail.subject)
        mail.text_body = ""
        mail.html_body = ""
        mail.attachments = []
        mail.last_error = pattern.sub(ERASED_MARK, mail.last_error)
        mail.updated_at = now
    OutboxMail.objects.bulk_update(
        mails,
        [
            "recipient",
            "subject",
            "text_body",
            "html_body",
            "attachments",
            "last_error",
            "updated_at",
        ],
        batch_size=500,
    )
    return withdrawn, len(mails)


def outbox_preview(*, mail: OutboxMail) -> tuple[OutboxMail, str, str]:
    """What the mail looks like, or would look like if sent now (not saved).

    Returns the (unsaved) mail with fresh content, and the text and HTML bodies as
    sent. A mail that no longer applies keeps its stored content.
    """
    from .mail import message_bodies

    if mail.status in (OutboxMail.Status.QUEUED, OutboxMail.Status.SENDING) and mail.renderer:
        try:
            _render(mail)
        except SkipMail:
            pass
        except Exception:  # a broken template must not break the outbox page
            logger.exception("outbox: mail %s could not be rendered for preview", mail.pk)
    text, html = message_bodies(mail)
    return mail, text, html
