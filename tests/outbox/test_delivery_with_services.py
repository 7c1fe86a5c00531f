"""Every mail exactly once, against real Redis and real Celery worker processes.

The worker killed again and again while it sends to an SMTP server: test_worker_kills.py.
"""

import time
import uuid
from datetime import timedelta

import pytest
from django.db import transaction

from outbox import handover
from outbox.models import OutboxMail
from outbox.services import outbox_dispatch_due, outbox_enqueue
from outbox.tasks import send_mail_task
from tests.mailsink import sink_counts
from tests.outbox.conftest import use_broker
from tests.services import CeleryWorker, database_env

pytestmark = pytest.mark.services


def queue_invitations(n: int, prefix: str) -> list[str]:
    keys = [f"{prefix}:{i}" for i in range(n)]
    with transaction.atomic():
        for i, key in enumerate(keys):
            outbox_enqueue(
                kind=OutboxMail.Kind.INVITATION,
                recipient=f"guest{i}@customer.example",
                subject=f"Invitation {i}",
                text_body="You are invited.",
                html_body="<p>You are invited.</p>",
                delivery_key=key,
                attachments=[
                    ("invite.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
                ],
            )
    return keys


def lines_in(path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def wait_until_all_sent(keys, *, timeout: float, poll_stale: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    next_poll = time.monotonic()
    pending = OutboxMail.objects.filter(delivery_key__in=keys).exclude(
        status=OutboxMail.Status.SENT
    )
    while time.monotonic() < deadline:
        if not pending.exists():
            return
        if time.monotonic() >= next_poll:
            # What beat does every minute, every 2 s here with a short staleness.
            outbox_dispatch_due(stale=timedelta(seconds=poll_stale))
            next_poll = time.monotonic() + 2
        time.sleep(0.1)
    states = dict(
        OutboxMail.objects.filter(delivery_key__in=keys)
        .exclude(status=OutboxMail.Status.SENT)
        .values_list("delivery_key", "status")[:10]
    )
    raise AssertionError(f"mails not sent in time, e.g. {states}")


def test_task_delivered_twice_sends_once(sink_worker, mail_sink):
    with transaction.atomic():
        mail = outbox_enqueue(
            kind=OutboxMail.Kind.INVITATION,
            recipient="twice@customer.example",
            subject="Invitation",
            text_body="Hello",
            delivery_key="twice",
        )
        # The broker hands the same mail over twice more, concurrently.
        transaction.on_commit(lambda: send_mail_task.delay(mail.pk))
        transaction.on_commit(lambda: send_mail_task.delay(mail.pk))
    wait_until_all_sent(["twice"], timeout=60)
    sink_worker.wait_until_idle()  # the other deliveries ran to their end
    assert sink_counts(mail_sink)["twice"] == 1


def test_mail_queued_while_broker_is_down_goes_out_when_it_returns(
    transactional_db, postgres, own_redis, mail_sink, settings, tmp_path
):
    from config.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    original_broker = app.conf.broker_url
    use_broker(own_redis.url)
    # After the failed publish this process leaves the broker alone for a while, the
    # poller too (it runs here): 30 s by default; the broker is back sooner here.
    settings.OUTBOX_PUBLISH_PAUSE_SECONDS = 1
    worker = None
    try:
        own_redis.stop()
        started = time.monotonic()
        with transaction.atomic():  # like the invitation page's request
            mail = outbox_enqueue(
                kind=OutboxMail.Kind.INVITATION,
                recipient="patient@customer.example",
                subject="Invitation",
                text_body="Hello",
                delivery_key="broker-down",
            )
        assert time.monotonic() - started < 30  # the page answered, no exception
        mail.refresh_from_db()
        assert mail.status == OutboxMail.Status.QUEUED

        own_redis.start()
        import os

        env = {
            **os.environ,
            **database_env(postgres),
            "REDIS_URL": own_redis.url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        worker = CeleryWorker(env, tmp_path / "worker.log", queues=queue).start()
        wait_until_all_sent(["broker-down"], timeout=60, poll_stale=0)
        assert sink_counts(mail_sink)["broker-down"] == 1
    finally:
        if worker:
            worker.stop()
        use_broker(original_broker)
        handover.resume_publishing()
        app.conf.task_always_eager = True
        app.conf.task_default_queue = "celery"


def test_dropped_smtp_connections_are_retried_with_backoff_and_send_once(flaky_worker, flaky_sink):
    keys = queue_invitations(3, f"flaky-{uuid.uuid4().hex[:6]}")
    # No poller here: the task's own retries (1 s, then 2 s) must get the mail out.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if OutboxMail.objects.filter(delivery_key__in=keys, status="sent").count() == 3:
            break
        time.sleep(0.5)
    counts = sink_counts(flaky_sink)
    assert [counts[key] for key in keys] == [1, 1, 1]
    rows = OutboxMail.objects.filter(delivery_key__in=keys)
    assert sorted(rows.values_list("attempts", flat=True)) == [3, 3, 3]
    assert set(rows.values_list("status", flat=True)) == {OutboxMail.Status.SENT}


def test_a_sweep_in_chunks_publishes_every_mail_once_and_each_chunk_after_its_commit(
    transactional_db, redis_url, settings
):
    """The poller leases the next chunk while a thread publishes the last one: every
    mail still goes out in exactly one message, carrying the lease its row holds."""
    import base64
    import json

    import redis
    from django.db import connection

    from config.celery import app
    from outbox.handover import batch_size
    from tests.services import missing

    if connection.vendor != "postgresql":
        missing("the overlapping sweep runs on PostgreSQL (set DATABASE_URL)")
    queue = f"test-sweep-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    client = redis.Redis.from_url(redis_url)
    keys = queue_invitations(5 * batch_size() // 2, prefix=queue)
    # Queued and never handed over, as mail falls due: the page's own hand-over undone.
    client.delete(queue)
    OutboxMail.objects.filter(delivery_key__in=keys).update(claimed_until=None)
    try:
        # Chunks of one batch and a half: three chunks, each published by the thread.
        handed = outbox_dispatch_due(chunk=batch_size() * 3 // 4 + 1)
        messages = []
        for raw in client.lrange(queue, 0, -1):
            args, _kwargs, _embed = json.loads(base64.b64decode(json.loads(raw)["body"]))
            messages.append(args)
    finally:
        client.delete(queue)
        app.conf.task_always_eager = True
        app.conf.task_default_queue = "celery"
    rows = dict(OutboxMail.objects.filter(delivery_key__in=keys).values_list("pk", "claimed_until"))
    published = [pk for ids, _lease in messages for pk in ids]
    assert handed == len(keys)
    assert sorted(published) == sorted(rows)  # every mail, each in one message only
    for ids, lease in messages:
        assert {rows[pk].isoformat() for pk in ids} == {lease}  # the lease its row holds
