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

Cost, for a worker on PostgreSQL: one round trip to the database per mail. The mark of
a mail and the claim of the batch's next one are one statement (prepared once per
connection); the next mail is built while this one's transaction is open; and on the
server's acceptance one string, `COMMIT; BEGIN; EXECUTE <next mark and claim>`,
records this mail and begins the next. Mail that needs the database to be built (a
renderer, the opt-out check) costs a second round trip, a COMMIT of its own, so that
nothing reads the database inside a mail's transaction but its own statements. Other
databases, and callers already inside a transaction, run the same statements one at a
time in Django's `atomic`.
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


def _recipient(mail: OutboxMail):
    """The contact the mail goes to (its opt-out, and the language of the opt-out line)."""
    from customers.models import Contact  # customers sits above the outbox

    return (
        Contact.objects.filter(email__iexact=mail.recipient)
        .only("language", "opted_out_at")
        .first()
    )


_COLUMNS = ", ".join(f.column for f in OutboxMail._meta.concrete_fields)
_CLAIM = f"""
    UPDATE outbox_outboxmail
    SET status = 'sending', attempts = attempts + 1, claimed_at = %(now)s, updated_at = %(now)s
    WHERE id = %(claim_id)s AND status IN ('queued', 'sending') AND attempts < %(max_attempts)s
      AND (due_at IS NULL OR due_at <= %(due_by)s)
      AND (%(any_lease)s OR claimed_until = %(lease)s)
    RETURNING {_COLUMNS}
"""  # noqa: S608 - constant SQL; every value is a query parameter
# The "sent" mark: only a row still "sending" (a withdrawal since the claim wins), and
# with what was rendered when the mail has a renderer.
_MARK_SENT = """
    UPDATE outbox_outboxmail
    SET status = 'sent', sent_at = %(now)s, last_error = '', updated_at = %(now)s{content}
    WHERE id = %(mark_id)s AND status = 'sending'
    RETURNING id
"""
_CONTENT = (
    ", subject = %(subject)s, text_body = %(text_body)s, html_body = %(html_body)s,"
    " attachments = %(attachments)s"
)
# PostgreSQL: the mark and the claim of the batch's next mail in one statement, sent
# with its BEGIN in one round trip.
_MARK_AND_CLAIM = """
    BEGIN;
    WITH marked AS ({mark}), claimed AS ({claim})
    SELECT (SELECT count(*) FROM marked), claimed.*
    FROM (SELECT 1) AS one LEFT JOIN claimed ON true
"""
_NO_ROW = -1  # the claim of "no next mail": an id no row has


def _claim_params(mail_id: int | None, lease: datetime | None, now: datetime) -> dict:
    adapt = connection.ops.adapt_datetimefield_value
    return {
        "claim_id": _NO_ROW if mail_id is None else mail_id,
        "now": adapt(now),
        "max_attempts": max_attempts(),
        "due_by": adapt(now + timedelta(seconds=5)),
        "any_lease": lease is None,
        "lease": adapt(lease or now),
    }


def _claim_row(mail_id: int, lease: datetime | None, now: datetime) -> OutboxMail | None:
    claimed = list(OutboxMail.objects.raw(_CLAIM, _claim_params(mail_id, lease, now)))
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


def _mark_params(mail: OutboxMail, now: datetime) -> tuple[str, dict]:
    params = {"mark_id": mail.pk, "now": connection.ops.adapt_datetimefield_value(now)}
    if not mail.renderer:  # sent as stored: nothing to write back
        return _MARK_SENT.format(content=""), params
    attachments = OutboxMail._meta.get_field("attachments")
    params.update(
        subject=mail.subject,
        text_body=mail.text_body,
        html_body=mail.html_body,
        attachments=attachments.get_db_prep_save(mail.attachments, connection),
    )
    return _MARK_SENT.format(content=_CONTENT), params


class _Transaction:
    """The transaction around one mail's SMTP exchange, on any database: it marks the
    mail sent and claims the batch's next mail, and is committed as soon as the server
    has answered. Django's `atomic`, so that it nests in a caller's transaction (tests);
    each statement is a round trip of its own."""

    chains = False

    def __init__(self):
        self._atomic = None

    def begin(self, mail: OutboxMail, then_claim: int | None, lease, now) -> tuple[bool, object]:
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        sql, params = _mark_params(mail, now)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            marked = bool(cursor.fetchall())
        claimed = None if then_claim is None else _claim_row(then_claim, lease, now)
        return marked, claimed

    def accepted(self) -> None:
        self.commit()

    def commit(self) -> None:
        atomic, self._atomic = self._atomic, None
        if atomic is not None:
            atomic.__exit__(None, None, None)

    def settle(self) -> None:
        """Roll back the open transaction (its mail was not accepted)."""
        atomic, self._atomic = self._atomic, None
        if atomic is not None:
            atomic.__exit__(_RolledBack, _RolledBack(), None)


class _RolledBack(Exception):
    pass


class _PostgresTransaction:
    """The same transaction for a worker's PostgreSQL connection in autocommit, in one
    round trip per mail. The mark and the next claim are one statement, sent with its
    BEGIN as one string. When the batch's next mail needs nothing from the database to
    be built (stored content, essential mail), it is built, and its statement too,
    while this mail's transaction is open; on the server's acceptance the one string
    `COMMIT; BEGIN; <next mark and claim>` goes out at once: its COMMIT, the first thing
    the database reads, records this mail, and the next mail's transaction begins in
    the same round trip. Otherwise COMMIT goes alone, straight to the driver. Either
    way nothing else runs between the server's reply and the commit."""

    chains = True
    _fields = [f.attname for f in OutboxMail._meta.concrete_fields]
    _converters = [
        (i, f)
        for i, f in enumerate(OutboxMail._meta.concrete_fields)
        if hasattr(f, "from_db_value")
    ]

    # The statement is prepared once per connection (PostgreSQL plans it once), unless
    # prepared statements are off (DB_PREPARE_THRESHOLD=0, for a transaction pooler).
    _PREPARED = {False: "outbox_mark_and_claim_1", True: "outbox_mark_and_claim_rendered_1"}
    _ORDER = (
        ("mark_id", "bigint"),
        ("now", "timestamptz"),
        ("claim_id", "bigint"),
        ("max_attempts", "integer"),
        ("due_by", "timestamptz"),
        ("any_lease", "boolean"),
        ("lease", "timestamptz"),
        ("subject", "text"),
        ("text_body", "text"),
        ("html_body", "text"),
        ("attachments", "jsonb"),
    )

    def __init__(self):
        from psycopg import ClientCursor

        self._cursor = ClientCursor(connection.connection)
        self._open = False
        self._prebuilt: tuple[int, str] | None = None
        self._begun: tuple[int, tuple[bool, object]] | None = None
        self._prepared = connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None
        if self._prepared:
            self._prepare()

    def _prepare(self) -> None:
        from psycopg.errors import DuplicatePreparedStatement

        for rendered, name in self._PREPARED.items():
            sql = _MARK_AND_CLAIM.replace("BEGIN;", "").format(
                mark=_MARK_SENT.format(content=_CONTENT if rendered else ""), claim=_CLAIM
            )
            order = self._ORDER if rendered else self._ORDER[:7]
            for number, (param, _type) in enumerate(order, start=1):
                sql = sql.replace(f"%({param})s", f"${number}")
            types = ", ".join(t for _param, t in order)
            with contextlib.suppress(DuplicatePreparedStatement):  # autocommit: no harm
                self._cursor.execute(f"PREPARE {name} ({types}) AS {sql}")

    @classmethod
    def usable(cls) -> bool:
        return connection.vendor == "postgresql" and connection.get_autocommit()

    def _statement(self, mail, then_claim, lease, now) -> tuple[str, object]:
        sql, params = _mark_params(mail, now)
        params = {**_claim_params(then_claim, lease, now), **params}
        if not self._prepared:
            return _MARK_AND_CLAIM.format(mark=sql, claim=_CLAIM), params
        rendered = bool(mail.renderer)
        order = self._ORDER if rendered else self._ORDER[:7]
        placeholders = ", ".join(["%s"] * len(order))
        return (
            f"BEGIN; EXECUTE {self._PREPARED[rendered]} ({placeholders})",
            [params[param] for param, _type in order],
        )

    def _result(self) -> tuple[bool, object]:
        self._cursor.nextset()  # past the BEGIN: the mark and the claim
        self._open = True
        row = self._cursor.fetchone()
        if row[1] is None:
            return bool(row[0]), None
        values = list(row[1:])
        for index, model_field in self._converters:
            values[index] = model_field.from_db_value(values[index], None, connection)
        return bool(row[0]), OutboxMail.from_db(connection.alias, self._fields, values)

    def prebuild(self, mail: OutboxMail, then_claim: int | None, lease, now) -> None:
        """Build the next mail's statement now, to go with this one's COMMIT."""
        statement, params = self._statement(mail, then_claim, lease, now)
        self._prebuilt = (mail.pk, "COMMIT; " + self._cursor.mogrify(statement, params))

    def begin(self, mail: OutboxMail, then_claim: int | None, lease, now) -> tuple[bool, object]:
        begun, self._begun = self._begun, None
        if begun is not None and begun[0] == mail.pk:
            return begun[1]  # begun with the previous mail's commit
        self.settle()
        self._prebuilt = None
        statement, params = self._statement(mail, then_claim, lease, now)
        self._open = True
        self._cursor.execute(statement, params)
        return self._result()

    def accepted(self) -> None:
        """The server accepted the mail: commit, now."""
        prebuilt, self._prebuilt = self._prebuilt, None
        if prebuilt is None:
            self.commit()
            return
        self._cursor.execute(prebuilt[1])  # COMMIT; BEGIN; the next mark and claim
        if self._cursor.statusmessage != "COMMIT":  # the transaction had failed before
            logger.error("outbox: a sent mail's record was rolled back (mail %s)", prebuilt[0])
        self._cursor.nextset()  # the BEGIN: the next mail's transaction is open
        self._begun = (prebuilt[0], self._result())

    def commit(self) -> None:
        if self._open:
            self._open = False
            self._cursor.execute("COMMIT")

    def settle(self) -> None:
        """Roll back the open transaction: its mail was not accepted (an accepted mail's
        transaction is committed before anything else runs)."""
        self._prebuilt = self._begun = None
        if self._open:
            self._open = False
            self._cursor.execute("ROLLBACK")


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
        if upcoming is not None and tx.chains and not _needs_database(claimed):
            try:
                upcoming.prepared = sender.prepare(claimed)
                tx.prebuild(claimed, after_that, lease, timezone.now())
            except Exception:  # its own turn meets the error again, and records it
                upcoming.prepared = None
        sender.send(prepared)
    except BaseException:
        tx.settle()
        raise
    tx.accepted()  # the commit: the next thing after the server's acceptance
    return "sent", upcoming


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
