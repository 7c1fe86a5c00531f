"""The outbox: the one way mail leaves Open Chair.

Other apps call `outbox_enqueue` (one mail) or `outbox_enqueue_many` (scheduled mail in
bulk) inside their own transaction. Nothing is sent inside that transaction: the send
task is handed to Celery with `transaction.on_commit`, and scheduled rows (a future
`due_at`) are picked up by the beat poller `outbox_dispatch_due`.
"""

import logging
import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from .delivery import DeliveryResult, outbox_deliver, outbox_deliver_batch, render
from .handover import allow_long_statements, outbox_dispatch_due, pending_handover
from .models import OutboxMail, encode_attachments
from .renderers import SkipMail

__all__ = [  # the delivery and hand-over halves of the public API live in their modules
    "DeliveryResult",
    "outbox_deliver",
    "outbox_deliver_batch",
    "outbox_dispatch_due",
]

logger = logging.getLogger(__name__)


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
    until then. The returned row's `created` says whether this call queued it: callers
    need not (and should not) look the key up first.
    """
    existing = OutboxMail.objects.filter(delivery_key=delivery_key).first()
    if existing is not None:
        existing.created = False
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
    )
    handover = pending_handover() if immediate else None
    if handover is not None:
        mail.enqueued_at, mail.claimed_until = now, handover.lease
    mail.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            mail.save()
    except IntegrityError:
        # Another transaction queued the same mail first: theirs is the one.
        existing = OutboxMail.objects.get(delivery_key=delivery_key)
        existing.created = False
        return existing
    mail.created = True
    if handover is not None:
        handover.add([mail.pk])
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
    due = [m for m in new if m.due_at is None or m.due_at <= now]
    handover = pending_handover() if due else None
    for mail in due:
        mail.enqueued_at, mail.claimed_until = now, handover.lease
    OutboxMail.objects.bulk_create(new, batch_size=batch_size, ignore_conflicts=True)
    if handover is not None:
        handover.add(
            list(
                OutboxMail.objects.filter(
                    delivery_key__in=[m.delivery_key for m in due], claimed_until=handover.lease
                ).values_list("pk", flat=True)
            )
        )
    return len(new)


# What a scheduling queryset yields, one column per name; the outbox adds the rest.
SCHEDULE_COLUMNS = (
    "kind",
    "recipient",
    "meeting_id",
    "subject",
    "text_body",
    "renderer",
    "render_args",
    "delivery_key",
    "due_at",
)


def outbox_schedule(*, rows: QuerySet) -> int:
    """Queue the mail a queryset yields, in one `INSERT … SELECT`, on any database.

    For scheduled mail in bulk (the invitations app's reminders and thank-yous for
    100,000 guests): the database builds the rows, so nothing is built in Python one
    row at a time. `rows` yields the columns `SCHEDULE_COLUMNS` (annotations or fields
    of those names; `subject` is cut to 300 characters; build `delivery_key` with
    `outbox.keys.delivery_key_expression`). Rows whose delivery key exists are left as
    they are, exactly as `outbox_enqueue_many` does. The rows wait for the poller,
    unleased, like every scheduled mail. Returns how many rows were new.
    """
    source = rows.order_by().values(*SCHEDULE_COLUMNS)
    select, params = source.query.sql_with_params()
    quote = connection.ops.quote_name
    picked = ", ".join(
        f"SUBSTR(rows.{quote(c)}, 1, 300)" if c == "subject" else f"rows.{quote(c)}"
        for c in SCHEDULE_COLUMNS
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    attachments = OutboxMail._meta.get_field("attachments").get_db_prep_save([], connection)
    statement = (
        f"INSERT INTO {quote(OutboxMail._meta.db_table)} "  # noqa: S608 - constant SQL
        f"({', '.join(SCHEDULE_COLUMNS)}, html_body, attachments, status, attempts, "
        "last_error, created_at, updated_at) "
        f"SELECT {picked}, %s, %s, %s, 0, %s, %s, %s FROM ({select}) AS rows "
        # WHERE: SQLite reads an ON CONFLICT after a bare SELECT … FROM as a join's ON.
        "WHERE 1 = 1 ON CONFLICT (delivery_key) DO NOTHING"
    )
    extra = ["", attachments, OutboxMail.Status.QUEUED, "", now, now]
    # No savepoint: SET LOCAL lasts to the end of the transaction anyway.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        allow_long_statements(cursor)
        cursor.execute(statement, [*extra, *params])
        return cursor.rowcount


def outbox_retry(*, mail: OutboxMail) -> bool:
    """Send a failed mail again. Never makes a second copy: the same row is re-queued,
    and only a failed row can be (a sent mail stays sent). Returns whether it was."""
    handover = pending_handover()
    updated = OutboxMail.objects.filter(pk=mail.pk, status=OutboxMail.Status.FAILED).update(
        status=OutboxMail.Status.QUEUED,
        attempts=0,
        due_at=None,
        enqueued_at=timezone.now(),
        claimed_until=handover.lease,
        updated_at=timezone.now(),
    )
    if updated:
        handover.add([mail.pk])
    return bool(updated)


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
        last_error=gettext_noop("The recipient opted out of this kind of mail."),
        updated_at=now,
    )


# Stored English, shown translated: the outbox page passes last_error through gettext.
ERASED_REASON = gettext_noop("The recipient's contact details were erased at their request.")
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
            render(mail)
        except SkipMail:
            pass
        except Exception:  # a broken template must not break the outbox page
            logger.exception("outbox: mail %s could not be rendered for preview", mail.pk)
    text, html = message_bodies(mail)
    return mail, text, html
