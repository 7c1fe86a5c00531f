"""Handing mail to the broker: batches under a lease, and no page ever held by the broker.

Guarantees:
- Mail goes to the broker in batches: one broker message per batch, and the worker sends
  a batch over one SMTP connection (`outbox.delivery`).
- Every hand-over takes a lease (`OutboxMail.claimed_until`). While it runs, no sweeper
  hands the mail over again, however slow the backlog. The message carries its lease and
  a worker sends only rows still under that lease, so when a lease expires and the mail
  is handed over again, the old message (if it is ever delivered) sends nothing: a mail
  is never in two live batches. Mail whose lease expired comes back after mail that was
  never handed over.
- A request publishes at most one message, whatever the number of guests, once its
  transaction commits; the publish has short connect and socket timeouts and no retry.
  When the broker refuses or stays silent, the lease is dropped, the rows stay queued
  and the poller hands them over later; this process then leaves the broker alone for
  `OUTBOX_PUBLISH_PAUSE_SECONDS`, so the next pages do not wait for it either.
"""

import logging
import threading
import time
from collections.abc import Sequence
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import OutboxMail

logger = logging.getLogger(__name__)

SEND_BATCH_TASK = "outbox.send_batch"


def lease_length() -> timedelta:
    return timedelta(seconds=getattr(settings, "OUTBOX_LEASE_SECONDS", 900))


def batch_size() -> int:
    return getattr(settings, "OUTBOX_BATCH_SIZE", 200)


# --- publishing ----------------------------------------------------------------------

_paused_until = 0.0
_pause_lock = threading.Lock()


def broker_paused() -> bool:
    return time.monotonic() < _paused_until


def _pause_publishing() -> None:
    global _paused_until
    with _pause_lock:
        _paused_until = time.monotonic() + getattr(settings, "OUTBOX_PUBLISH_PAUSE_SECONDS", 30)


def resume_publishing() -> None:
    """Forget an earlier broker failure (tests, and the poller once it published)."""
    global _paused_until
    with _pause_lock:
        _paused_until = 0.0


def publish_batches(
    batches: Sequence[Sequence[int]],
    *,
    lease: datetime,
    countdown: int | None = None,
    even_if_paused: bool = False,
) -> int:
    """Publish one message per batch. Returns how many were published; never raises.

    On the first failure the rest are not tried: their lease is dropped so that the
    poller hands them over as soon as the broker is back. The poller itself tries even
    while pages leave the broker alone (`even_if_paused`), and a success ends the pause.
    """
    if not batches:
        return 0
    task = current_app.tasks[SEND_BATCH_TASK]
    published = 0
    if even_if_paused or not broker_paused():
        try:
            with current_app.producer_or_acquire() as producer:
                for ids in batches:
                    task.apply_async(
                        args=(list(ids), lease.isoformat()),
                        countdown=countdown,
                        retry=False,
                        producer=producer,
                    )
                    published += 1
            if even_if_paused:
                resume_publishing()
        except Exception:  # kombu and redis raise many kinds; all mean "not published now"
            _pause_publishing()
            logger.warning(
                "outbox: could not publish %d batch(es) of mail; the poller will hand them over",
                len(batches) - published,
            )
    unpublished = [mail_id for ids in batches[published:] for mail_id in ids]
    if unpublished:
        try:
            OutboxMail.objects.filter(pk__in=unpublished, claimed_until=lease).update(
                claimed_until=None
            )
        except Exception:  # the database is down too: the lease expires by itself
            logger.warning("outbox: could not release the lease of %d mail(s)", len(unpublished))
    return published


class _HandoverOnCommit:
    """The one message a transaction publishes when it commits (see `pending_handover`)."""

    def __init__(self):
        self.lease = timezone.now() + lease_length()
        self.mail_ids: list[int] = []
        self.done = False

    def add(self, mail_ids: Sequence[int]) -> None:
        self.mail_ids.extend(mail_ids)

    def __call__(self) -> None:
        self.done = True
        if self.mail_ids:
            publish_batches([self.mail_ids], lease=self.lease)


class _HandoverNow(_HandoverOnCommit):
    """Outside a transaction the rows are committed already: publish at once."""

    def add(self, mail_ids: Sequence[int]) -> None:
        publish_batches([list(mail_ids)], lease=self.lease)


def pending_handover() -> _HandoverOnCommit:
    """The hand-over of the current transaction: its lease, and the mails it will publish.

    Every mail queued in one transaction (a page) joins one batch, published once after
    commit (never inside the transaction: the worker must see the committed rows).
    Django keeps the on-commit callbacks in `run_on_commit` and drops them on rollback,
    which is where the pending batch is found again and forgotten with the transaction.
    """
    if not connection.in_atomic_block:
        return _HandoverNow()
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _HandoverOnCommit) and not callback.done:
            return callback
    handover = _HandoverOnCommit()
    transaction.on_commit(handover)
    return handover


def hand_over(*, mail_ids: Sequence[int], countdown: int | None = None) -> int:
    """Lease queued mails that nobody holds and publish them as one batch after commit
    (`countdown`: delivered that many seconds later). Returns how many were leased."""
    now = timezone.now()
    lease = now + timedelta(seconds=countdown or 0) + lease_length()
    with transaction.atomic():
        ids = list(
            OutboxMail.objects.filter(
                pk__in=list(mail_ids), status=OutboxMail.Status.QUEUED, claimed_until__isnull=True
            ).values_list("pk", flat=True)
        )
        OutboxMail.objects.filter(pk__in=ids, claimed_until__isnull=True).update(
            claimed_until=lease, enqueued_at=now
        )
        if ids:
            transaction.on_commit(lambda: publish_batches([ids], lease=lease, countdown=countdown))
    return len(ids)


# --- the sweeper ---------------------------------------------------------------------


def allow_long_statements(cursor) -> None:
    """Bulk statements (a sweep of 300,000 mails, scheduling for 100,000 guests) may take
    longer than the statement timeout that protects pages: lift it for this transaction."""
    if connection.vendor == "postgresql":
        seconds = getattr(settings, "OUTBOX_BULK_STATEMENT_TIMEOUT_SECONDS", 300)
        cursor.execute(f"SET LOCAL statement_timeout = {int(seconds) * 1000}")
        cursor.execute("SET LOCAL work_mem = '64MB'")  # sort the due mail in memory


# One statement chooses and leases a chunk. The lease condition is repeated outside the
# subquery: a concurrent sweeper waits for the rows and then, PostgreSQL re-checking it on
# the newest row version, finds them leased and leaves them.
_SWEEP = """
    UPDATE outbox_outboxmail SET claimed_until = %(lease)s, enqueued_at = %(now)s
    WHERE id IN (
        SELECT id FROM outbox_outboxmail
        WHERE status IN ('queued', 'sending')
          AND (due_at IS NULL OR due_at <= %(now)s)
          AND (claimed_until IS NULL OR claimed_until <= %(expired)s)
        ORDER BY claimed_until IS NOT NULL, due_at, id
        LIMIT %(limit)s
    )
    AND status IN ('queued', 'sending')
    AND (claimed_until IS NULL OR claimed_until <= %(expired)s)
    RETURNING id
"""


def outbox_dispatch_due(
    *, stale: timedelta | None = None, limit: int = 1_000_000, chunk: int = 50_000
) -> int:
    """The beat poller: hand every due mail that nobody holds to the broker, in batches.

    Due mail is queued mail whose time has come and mail left "sending" (its worker died)
    whose lease has expired or that never had one. Mail never handed over comes first.
    Each chunk is chosen and leased in one statement and published after its commit,
    `OUTBOX_BATCH_SIZE` mails per message, even while pages leave a broker that failed
    them alone: the poller is what finds it back, and its success ends their pause. `stale` treats
    leases taken more than that long ago as expired (tests, `outbox_dispatch`).
    Returns how many mails were handed over.
    """
    handed = 0
    # On PostgreSQL in autocommit (the poller, `outbox_dispatch`) with a real broker, a
    # chunk's batches are published by one thread while the next chunk is chosen and
    # leased: the database and the broker work at once, each chunk still published only
    # after its own commit. Inside a caller's transaction they are published when that
    # transaction commits; eager Celery (the embedded mode) sends in the caller's thread.
    overlap = (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and not current_app.conf.task_always_eager
    )
    publisher = _Publisher() if overlap else None
    try:
        while handed < limit:
            handed_now, full = _sweep_chunk(stale, min(chunk, limit - handed), publisher)
            handed += handed_now
            if not full or broker_paused():
                break
    finally:
        if publisher is not None:
            publisher.finish()
    return handed


class _Publisher:
    """One thread publishing the committed chunks' batches in order."""

    def __init__(self):
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-publish")

    def submit(self, batches, lease) -> None:
        self._pool.submit(self._publish, batches, lease)

    @staticmethod
    def _publish(batches, lease) -> None:
        try:
            publish_batches(batches, lease=lease, even_if_paused=True)
        finally:
            connection.close()  # this thread's own, if releasing a lease opened one

    def finish(self) -> None:
        self._pool.shutdown(wait=True)


def _sweep_chunk(stale: timedelta | None, limit: int, publisher) -> tuple[int, bool]:
    """Choose and lease one chunk of due mail; publish its batches after the commit.
    Returns how many mails it leased and whether the chunk was full."""
    now = timezone.now()
    lease = now + lease_length()
    expired = now if stale is None else now + lease_length() - stale
    ops = connection.ops
    params = {
        "lease": ops.adapt_datetimefield_value(lease),
        "now": ops.adapt_datetimefield_value(now),
        "expired": ops.adapt_datetimefield_value(expired),
        "limit": limit,
    }
    with transaction.atomic():
        with connection.cursor() as cursor:
            allow_long_statements(cursor)
            cursor.execute(_SWEEP, params)
            ids = sorted(row[0] for row in cursor.fetchall())
        if ids:
            size = batch_size()
            batches = [ids[i : i + size] for i in range(0, len(ids), size)]
            if publisher is None:
                transaction.on_commit(
                    lambda: publish_batches(batches, lease=lease, even_if_paused=True)
                )
            else:
                transaction.on_commit(lambda: publisher.submit(batches, lease))
    return len(ids), len(ids) == limit
