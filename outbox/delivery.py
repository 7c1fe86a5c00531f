"""Sending: a batch of outbox mails over one connection to the mail server, each at most once.

Guarantees, for every mail of a batch:
- A sent row is never sent again; a row handed over again since (another lease) is left
  to that newer batch; a row locked by another transaction is left to it.
- The attempt is counted and committed before the mail is sent, so a mail that kills
  its worker every time still ends "failed" after `OUTBOX_MAX_ATTEMPTS`.
- The row is marked sent in the transaction that sends it, and that transaction commits
  as soon as the server has answered the message's DATA (its acceptance): before the
  next mail and long before QUIT. A worker killed before the acceptance leaves the row
  unsent and it goes out later; only a death in the instant between the acceptance and
  the commit can make the server receive it twice (same Message-ID; see docs/mail.md).
"""

import contextlib
import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from .mail import build_message
from .models import OutboxMail, encode_attachments
from .renderers import RenderedMail, SkipMail, get_renderer

logger = logging.getLogger(__name__)


def max_attempts() -> int:
    return getattr(settings, "OUTBOX_MAX_ATTEMPTS", 6)


def retry_delay(attempts: int) -> int:
    """Exponential backoff in seconds, capped far below the broker's visibility timeout."""
    base = getattr(settings, "OUTBOX_RETRY_BASE_SECONDS", 60)
    cap = getattr(settings, "OUTBOX_RETRY_MAX_SECONDS", 30 * 60)
    return int(min(cap, base * 2 ** max(0, attempts - 1)))


@dataclass(frozen=True)
class DeliveryResult:
    outcome: str  # sent, skipped, failed, retry, ignored
    retry_in: int | None = None


@dataclass
class BatchResult:
    outcomes: dict[int, DeliveryResult] = field(default_factory=dict)

    @property
    def retry_ids(self) -> list[int]:
        return [pk for pk, result in self.outcomes.items() if result.outcome == "retry"]

    @property
    def retry_in(self) -> int | None:
        delays = [r.retry_in for r in self.outcomes.values() if r.retry_in is not None]
        return min(delays) if delays else None


class _Unreachable(Exception):
    """The mail server could not be reached: the rest of the batch waits too."""


def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code < 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code < 500 or isinstance(exc, smtplib.SMTPAuthenticationError)
    return isinstance(exc, smtplib.SMTPException | OSError | TimeoutError)


def render(mail: OutboxMail) -> None:
    """Render the mail again from its source, if it has one, into the row (unsaved)."""
    if not mail.renderer:
        return
    rendered: RenderedMail = get_renderer(mail.renderer)(mail=mail, **mail.render_args)
    mail.subject = rendered.subject[:300]
    mail.text_body = rendered.text_body
    mail.html_body = rendered.html_body
    mail.attachments = encode_attachments(rendered.attachments)


def _recipient_opted_out(mail: OutboxMail) -> bool:
    from customers.models import Contact  # customers sits above the outbox

    return Contact.objects.filter(email__iexact=mail.recipient, opted_out_at__isnull=False).exists()


_COLUMNS = ", ".join(f.column for f in OutboxMail._meta.concrete_fields)
_CLAIM = f"""
    UPDATE outbox_outboxmail
    SET status = 'sending', attempts = attempts + 1, claimed_at = %(now)s, updated_at = %(now)s
    WHERE id = %(id)s AND status IN ('queued', 'sending') AND attempts < %(max_attempts)s
      AND (due_at IS NULL OR due_at <= %(due_by)s)
      AND (%(any_lease)s OR claimed_until = %(lease)s)
    RETURNING {_COLUMNS}
"""  # noqa: S608 - constant SQL; every value is a query parameter


def _claim_row(mail_id: int, lease: datetime | None, now: datetime) -> OutboxMail | None:
    adapt = connection.ops.adapt_datetimefield_value
    params = {
        "id": mail_id,
        "now": adapt(now),
        "max_attempts": max_attempts(),
        "due_by": adapt(now + timedelta(seconds=5)),
        "any_lease": lease is None,
        "lease": adapt(lease or now),
    }
    claimed = list(OutboxMail.objects.raw(_CLAIM, params))
    return claimed[0] if claimed else None


def _claim(mail_id: int, lease: datetime | None, now: datetime) -> OutboxMail | str:
    """Count the attempt, committed at once (one statement): the claimed row, or why not."""
    claimed = _claim_row(mail_id, lease, now)
    if claimed is not None:
        return claimed
    rows = OutboxMail.objects.filter(
        Q(due_at__isnull=True) | Q(due_at__lte=now + timedelta(seconds=5)),
        pk=mail_id,
        status__in=[OutboxMail.Status.QUEUED, OutboxMail.Status.SENDING],
        attempts__gte=max_attempts(),
    )
    if lease is not None:
        rows = rows.filter(claimed_until=lease)
    with transaction.atomic():
        mail = rows.select_for_update(skip_locked=True).first()
        if mail is None:
            return "ignored"
        mail.mark_failed(error=f"Gave up after {mail.attempts} attempts. {mail.last_error}".strip())
        return "failed"


def _send(
    mail: OutboxMail, backend, *, then_claim: int | None = None, lease: datetime | None = None
) -> tuple[str, OutboxMail | None]:
    """Render, mark sent and send in one transaction, committed on the server's acceptance.

    The "sent" mark is conditional on the row still being "sending": a cancellation,
    opt-out or erasure that withdrew it since the claim wins, and while the mark's row
    lock is held (during the SMTP exchange) such a withdrawal waits for the outcome.
    The same transaction claims the batch's next mail (`then_claim`) before the send,
    which saves a commit per mail; the claim is still committed before that mail is sent,
    and rolled back with this one if this send fails. Returns the outcome and that row.
    """
    try:
        if hasattr(backend, "open"):  # every backend but the simplest test doubles
            backend.open()
    except Exception as exc:
        raise _Unreachable from exc
    sending = OutboxMail.objects.filter(pk=mail.pk, status=OutboxMail.Status.SENDING)
    try:
        render(mail)
        if mail.is_non_essential and _recipient_opted_out(mail):
            raise SkipMail(gettext_noop("The recipient opted out of this kind of mail."))
    except SkipMail as skip:
        sending.update(
            status=OutboxMail.Status.SKIPPED, last_error=str(skip)[:2000], updated_at=timezone.now()
        )
        return "skipped", None
    message = build_message(mail)
    message.connection = backend
    with transaction.atomic():
        now = timezone.now()
        marked = sending.update(
            status=OutboxMail.Status.SENT,
            sent_at=now,
            last_error="",
            subject=mail.subject,
            text_body=mail.text_body,
            html_body=mail.html_body,
            attachments=mail.attachments,
            updated_at=now,
        )
        if not marked:
            return "ignored", None
        claimed_next = None if then_claim is None else _claim_row(then_claim, lease, now)
        if not message.send(fail_silently=False):
            raise smtplib.SMTPException(gettext_noop("The mail backend sent nothing."))
        # Leaving the block commits: the next thing after the server's acceptance.
    return "sent", claimed_next


def _after_error(mail_id: int, error: Exception) -> DeliveryResult:
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
            mail.claimed_until = None
            mail.save(
                update_fields=["status", "last_error", "due_at", "claimed_until", "updated_at"]
            )
            return DeliveryResult("retry", retry_in=delay)
        mail.mark_failed(error=description)
        return DeliveryResult("failed")


def _postpone(mail_ids: Sequence[int], lease: datetime | None, delay: int) -> None:
    """The server is unreachable: the rest of the batch waits as long, no attempt counted."""
    rows = OutboxMail.objects.filter(
        pk__in=list(mail_ids), status__in=[OutboxMail.Status.QUEUED, OutboxMail.Status.SENDING]
    )
    if lease is not None:
        rows = rows.filter(claimed_until=lease)
    now = timezone.now()
    rows.update(
        status=OutboxMail.Status.QUEUED,
        claimed_until=None,
        due_at=now + timedelta(seconds=delay),
        updated_at=now,
    )


def _fast_commits(on: bool) -> None:
    """While a batch is sent, PostgreSQL acknowledges its commits before they reach the
    disk (`synchronous_commit off`: a commit is still atomic and at once visible to
    everyone). It halves the time per mail on a slow disk. The price: if the database
    server itself crashed, the last fraction of a second of "sent" marks could be lost,
    and those mails would go out a second time (the same Message-ID). A killed worker
    loses nothing: the server has the commit."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off" if on else "RESET synchronous_commit")


def _close(backend) -> None:
    with contextlib.suppress(Exception):
        if hasattr(backend, "close"):
            backend.close()


def outbox_deliver_batch(*, mail_ids: Sequence[int], lease: datetime | None) -> BatchResult:
    """Send the batch's mails in order over one connection to the mail server.

    `lease` is the hand-over's lease: rows handed over again since are not this batch's
    any more (None: whatever the lease, for a mail sent by hand). A dropped connection
    costs the mail being sent one attempt and the next mail reconnects; a server that
    cannot be reached postpones the whole rest of the batch.
    """
    result = BatchResult()
    backend = get_connection(fail_silently=False)
    _fast_commits(True)
    try:
        claimed_next = None
        for index, mail_id in enumerate(mail_ids):
            claimed = claimed_next or _claim(mail_id, lease, timezone.now())
            claimed_next = None
            if isinstance(claimed, str):
                result.outcomes[mail_id] = DeliveryResult(claimed)
                continue
            then_claim = mail_ids[index + 1] if index + 1 < len(mail_ids) else None
            try:
                outcome, claimed_next = _send(claimed, backend, then_claim=then_claim, lease=lease)
                result.outcomes[mail_id] = DeliveryResult(outcome)
            except _Unreachable as unreachable:
                outcome = _after_error(mail_id, unreachable.__cause__)
                result.outcomes[mail_id] = outcome
                rest = list(mail_ids[index + 1 :])
                if rest and outcome.retry_in is not None:
                    _postpone(rest, lease, outcome.retry_in)
                    for pk in rest:
                        result.outcomes[pk] = DeliveryResult("retry", retry_in=outcome.retry_in)
                break
            except Exception as error:
                _close(backend)  # the connection may be half-dead: the next mail reconnects
                result.outcomes[mail_id] = _after_error(mail_id, error)
    finally:
        _close(backend)
        _fast_commits(False)
    return result


def outbox_deliver(*, mail_id: int) -> DeliveryResult:
    """Send one queued mail now, whatever its lease (the same guarantees as a batch)."""
    return outbox_deliver_batch(mail_ids=[mail_id], lease=None).outcomes[mail_id]
