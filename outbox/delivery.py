"""Sending: a batch of outbox mails over one connection to the mail server, each at most once.

Guarantees, for every mail of a batch:
- A sent row is never sent again; a row handed over again since (another lease) is left
  to that newer batch; a row locked by another transaction is left to it.
- The attempt is counted and committed before the mail is sent, so a mail that kills
  its worker every time still ends "failed" after `OUTBOX_MAX_ATTEMPTS`.
- The row is marked sent in the transaction that sends it (a withdrawal since the claim
  wins; one during the SMTP exchange waits for it), and that transaction commits as
  soon as the server has answered the message's DATA (its acceptance): before the next
  mail and long before QUIT. A worker killed before the acceptance leaves the row unsent
  and it goes out later; only a death in the instant between the acceptance and the
  commit reaching PostgreSQL can make the server receive it twice (same Message-ID;
  see docs/mail.md).
- Such a mail is "in doubt" when it is claimed again; with a provider's acceptance
  check configured (`outbox.acceptance`) it is first checked, and marked sent without
  going out again if the provider accepted it. Mail never tried before is never checked.

Cost, for a worker on PostgreSQL: one round trip to the database per mail. The mark of
a mail and the claim of the batch's next one are one statement (prepared once per
connection); the next mail is built while this one's transaction is open; and on the
server's acceptance one string, `COMMIT; BEGIN; EXECUTE <next mark and claim>`,
records this mail and begins the next. Mail that needs the database to be built (a
renderer, the opt-out check) costs a second round trip, a COMMIT of its own, so that
nothing reads the database inside a mail's transaction but its own statements. Other
databases, and callers already inside a transaction, run the same statements one at a
time in Django's `atomic`.

The statements (claim, mark) are in `outbox.claims`, the two kinds of transaction in
`outbox.transactions`.
"""

import contextlib
import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import sanitize_address
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from .acceptance import accepted_by_provider, checked_first, mark_confirmed
from .claims import _claim, max_attempts
from .mail import build_message
from .models import OutboxMail, encode_attachments
from .renderers import RenderedMail, SkipMail, get_renderer
from .transactions import _PostgresTransaction, _Transaction

logger = logging.getLogger(__name__)


def retry_delay(attempts: int) -> int:
    """Exponential backoff in seconds, capped far below the broker's visibility timeout."""
    base = getattr(settings, "OUTBOX_RETRY_BASE_SECONDS", 60)
    cap = getattr(settings, "OUTBOX_RETRY_MAX_SECONDS", 30 * 60)
    return int(min(cap, base * 2 ** max(0, attempts - 1)))


@dataclass(frozen=True)
class DeliveryResult:
    # sent, confirmed (by the provider: an earlier attempt was accepted), skipped,
    # failed, retry, ignored
    outcome: str
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


class _Unanswered(Exception):
    """The exchange broke off without the server's answer (a dropped connection, a
    timeout): the server may have accepted the mail, so it is in doubt."""


# Errors that are the server's own answer: it refused the mail, so it did not accept it.
_REFUSALS = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused)


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


def _recipient(mail: OutboxMail):
    """The contact the mail goes to (its opt-out, and the language of the opt-out line)."""
    from customers.models import Contact  # customers sits above the outbox

    return (
        Contact.objects.filter(email__iexact=mail.recipient)
        .only("language", "opted_out_at")
        .first()
    )


class _Sender:
    """Hands messages to the batch's one connection. With Django's SMTP backend, each
    message is turned into bytes before its transaction begins and goes to `sendmail`
    directly (what the backend's `send_messages` does, without its per-call work), so
    nothing but the commit follows the server's reply to the DATA."""

    def __init__(self, backend):
        from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

        self.backend = backend
        self.smtp = type(backend).send_messages is SmtpBackend.send_messages

    def open(self) -> None:
        try:
            if hasattr(self.backend, "open"):  # every backend but the simplest test doubles
                self.backend.open()
        except Exception as exc:
            raise _Unreachable from exc

    def prepare(self, mail: OutboxMail, *, contact=None):
        message = build_message(mail, contact=contact)
        message.connection = self.backend
        if not self.smtp:
            return message
        encoding = message.encoding or settings.DEFAULT_CHARSET
        return (
            sanitize_address(message.from_email, encoding),
            [sanitize_address(address, encoding) for address in message.recipients()],
            message.message().as_bytes(linesep="\r\n"),
        )

    def send(self, prepared) -> None:
        if not self.smtp:
            if not prepared.send(fail_silently=False):
                raise smtplib.SMTPException("The mail backend sent nothing.")
            return
        smtp = self.backend.connection
        if smtp is None:
            raise smtplib.SMTPServerDisconnected("The connection to the mail server is closed.")
        smtp.sendmail(*prepared)

    def reset(self) -> None:
        _close(self.backend)  # the connection may be half-dead: the next mail reconnects


def _needs_database(mail: OutboxMail) -> bool:
    """Whether getting the mail ready reads the database (a renderer, the opt-out check)."""
    return bool(mail.renderer) or mail.is_non_essential


def _ready(mail: OutboxMail, sender: "_Sender"):
    """Render the mail and build what is sent, outside any transaction: the prepared
    message, or the reason it no longer applies (then marked "not sent")."""
    contact = None
    try:
        render(mail)
        if mail.is_non_essential:
            contact = _recipient(mail)
            if contact is not None and contact.opted_out_at is not None:
                raise SkipMail(gettext_noop("The recipient opted out of this kind of mail."))
    except SkipMail as skip:
        OutboxMail.objects.filter(pk=mail.pk, status=OutboxMail.Status.SENDING).update(
            status=OutboxMail.Status.SKIPPED, last_error=str(skip)[:2000], updated_at=timezone.now()
        )
        return None
    return sender.prepare(mail, contact=contact)


@dataclass
class _Next:
    """The batch's next mail, claimed in this mail's transaction (and prepared in it when
    that needs no database)."""

    mail: OutboxMail
    prepared: object = None


def _send(
    mail: OutboxMail,
    sender: "_Sender",
    tx,
    *,
    prepared=None,
    then_claim: int | None,
    after_that: int | None,
    lease: datetime | None,
) -> tuple[str, _Next | None]:
    """Mark sent and send in one transaction, committed on the server's acceptance.

    The "sent" mark is conditional on the row still being "sending": a cancellation,
    opt-out or erasure that withdrew it since the claim wins, and while the mark's row
    lock is held (during the SMTP exchange) such a withdrawal waits for the outcome.
    The same transaction claims the batch's next mail (`then_claim`), which saves a
    commit per mail; the claim is still committed before that mail is sent, and rolled
    back with this one if this send fails. Returns the outcome and the next mail.
    """
    sender.open()
    if prepared is None:
        prepared = _ready(mail, sender)
        if prepared is None:
            return "skipped", None
    try:
        marked, claimed = tx.begin(mail, then_claim, lease, timezone.now())
        upcoming = None if claimed is None else _Next(claimed)
        if not marked:
            tx.commit()  # only the next mail's claim
            return "ignored", upcoming
        if (
            upcoming is not None
            and tx.chains
            and not _needs_database(claimed)
            and not checked_first(claimed)  # asked between two transactions
        ):
            try:
                upcoming.prepared = sender.prepare(claimed)
                tx.prebuild(claimed, after_that, lease, timezone.now())
            except Exception:  # its own turn meets the error again, and records it
                upcoming.prepared = None
        try:
            sender.send(prepared)
        except _REFUSALS:
            raise
        except Exception as error:
            raise _Unanswered from error
    except BaseException:
        tx.settle()
        raise
    tx.accepted()  # the commit: the next thing after the server's acceptance
    return "sent", upcoming


def _after_error(mail_id: int, error: Exception, *, in_doubt: bool = False) -> DeliveryResult:
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
        if in_doubt and not mail.in_doubt:
            mail.in_doubt = True
            mail.save(update_fields=["in_doubt"])
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
    sender = _Sender(get_connection(fail_silently=False))
    _fast_commits(True)
    tx = _PostgresTransaction() if _PostgresTransaction.usable() else _Transaction()
    upcoming: _Next | None = None
    try:
        for index, mail_id in enumerate(mail_ids):
            if upcoming is not None and upcoming.mail.pk == mail_id:
                claimed, prepared = upcoming.mail, upcoming.prepared
            else:
                tx.settle()  # the next mail's transaction, begun early, unused
                claimed, prepared = _claim(mail_id, lease, timezone.now()), None
            upcoming = None
            if isinstance(claimed, str):
                result.outcomes[mail_id] = DeliveryResult(claimed)
                continue
            if checked_first(claimed):
                tx.settle()  # nothing is open: the provider is asked between transactions
                if accepted_by_provider(claimed):
                    confirmed = mark_confirmed(claimed)
                    result.outcomes[mail_id] = DeliveryResult(
                        "confirmed" if confirmed else "ignored"
                    )
                    continue
            following = mail_ids[index + 1 : index + 3]
            try:
                outcome, upcoming = _send(
                    claimed,
                    sender,
                    tx,
                    prepared=prepared,
                    then_claim=following[0] if following else None,
                    after_that=following[1] if len(following) > 1 else None,
                    lease=lease,
                )
                result.outcomes[mail_id] = DeliveryResult(outcome)
            except _Unreachable as unreachable:
                tx.settle()
                outcome = _after_error(mail_id, unreachable.__cause__)
                result.outcomes[mail_id] = outcome
                rest = list(mail_ids[index + 1 :])
                if rest and outcome.retry_in is not None:
                    _postpone(rest, lease, outcome.retry_in)
                    for pk in rest:
                        result.outcomes[pk] = DeliveryResult("retry", retry_in=outcome.retry_in)
                break
            except _Unanswered as unanswered:
                tx.settle()
                sender.reset()
                result.outcomes[mail_id] = _after_error(
                    mail_id, unanswered.__cause__, in_doubt=True
                )
            except Exception as error:
                tx.settle()
                sender.reset()
                result.outcomes[mail_id] = _after_error(mail_id, error)
    finally:
        tx.settle()
        _close(sender.backend)
        _fast_commits(False)
    return result


def outbox_deliver(*, mail_id: int) -> DeliveryResult:
    """Send one queued mail now, whatever its lease (the same guarantees as a batch)."""
    return outbox_deliver_batch(mail_ids=[mail_id], lease=None).outcomes[mail_id]
