"""The claim and the "sent" mark of an outbox mail: the statements a delivery runs, and
their parameters (moved out of outbox/delivery.py, #19). A claim counts the attempt
and commits it before the mail is sent; the mark only touches a row still "sending"."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from .models import OutboxMail


def max_attempts() -> int:
    return getattr(settings, "OUTBOX_MAX_ATTEMPTS", 6)


_COLUMNS = ", ".join(f.column for f in OutboxMail._meta.concrete_fields)
# A row the claim finds still "sending" had an attempt with no outcome recorded (its
# worker died, perhaps after the server accepted the mail): it becomes "in doubt" (the
# right-hand side of SET reads the row as it was before the statement).
_CLAIM = f"""
    UPDATE outbox_outboxmail
    SET status = 'sending', in_doubt = (in_doubt OR status = 'sending'),
        attempts = attempts + 1, claimed_at = %(now)s, updated_at = %(now)s
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
