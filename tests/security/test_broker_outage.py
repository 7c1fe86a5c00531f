"""With Redis (the Celery broker) down, a page that sends mail still succeeds; the mail
waits in the outbox and goes out once, when the broker is back.

The broker here is a redis-server of the test's own on a free port, stopped and started
by the test; the machine's shared Redis is never touched.
"""

import os
import shutil
import time
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from outbox import handover
from outbox.models import OutboxMail
from outbox.services import outbox_dispatch_due
from tests.factories import BookingFactory, ContactFactory, MeetingFactory
from tests.mailsink import sink_counts
from tests.outbox.conftest import OwnRedis, use_broker
from tests.services import CeleryWorker, database_env, missing

pytestmark = pytest.mark.services


@pytest.fixture
def private_broker(transactional_db, postgres, tmp_path, settings, monkeypatch):
    """This process's Celery app publishes to a redis-server of the test's own."""
    if not shutil.which("redis-server"):
        missing("redis-server is not installed: cannot run a broker of the test's own")
    from config.celery import app

    server = OwnRedis(tmp_path).start()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    original = (app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    use_broker(server.url)
    server.queue = queue
    try:
        yield server
    finally:
        server.stop()
        use_broker(original[0])
        handover.resume_publishing()
        app.conf.task_always_eager = original[1]
        app.conf.task_default_queue = original[2]


@pytest.fixture
def sink(tmp_path, settings, monkeypatch):
    path = tmp_path / "sink.jsonl"
    monkeypatch.setenv("MAIL_SINK_PATH", str(path))
    monkeypatch.setenv("EMAIL_BACKEND", "tests.mailsink.FileSinkBackend")
    monkeypatch.delenv("EMAIL_URL", raising=False)
    settings.EMAIL_BACKEND = "tests.mailsink.FileSinkBackend"
    return path


def test_invitations_sent_while_redis_is_down_go_out_once_when_it_returns(
    private_broker, sink, postgres, tmp_path, caplog, settings
):
    meeting = MeetingFactory(title="Autumn leadership", agenda=True)
    guests = [
        BookingFactory(meeting=meeting, contact=ContactFactory(email=f"guest{i}@customer.example"))
        for i in range(2)
    ]
    client = Client(raise_request_exception=False)
    client.force_login(meeting.owner)

    # After the failed publish this process leaves the broker alone for a while, the
    # poller too (it runs here): 30 s by default; the broker is back sooner here.
    settings.OUTBOX_PUBLISH_PAUSE_SECONDS = 1
    private_broker.stop()
    response = client.post(
        reverse("invitations:meeting", args=[meeting.pk]),
        {"action": "send", "personal_message": "Do join us.", "reminder_days": "7, 1"},
        follow=True,
    )
    assert response.status_code == 200
    assert "2 invitations queued" in response.content.decode()
    mails = OutboxMail.objects.filter(meeting=meeting, kind=OutboxMail.Kind.INVITATION)
    assert sorted(mails.values_list("recipient", flat=True)) == sorted(
        g.contact.email for g in guests
    )
    assert set(mails.values_list("status", flat=True)) == {OutboxMail.Status.QUEUED}
    # The page really tried the broker, and was refused.
    assert "could not publish 1 batch(es) of mail" in caplog.text
    # The outbox page shows them waiting, not failed.
    outbox_page = client.get(reverse("outbox:list"), {"meeting": meeting.pk}).content.decode()
    assert outbox_page.count("Queued, going out now") == 2
    assert "Failed: " not in outbox_page

    private_broker.start()
    worker = CeleryWorker(
        {
            **os.environ,
            **database_env(postgres),
            "REDIS_URL": private_broker.url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CELERY_TASK_DEFAULT_QUEUE": private_broker.queue,
            "DJANGO_SETTINGS_MODULE": "config.settings",
        },
        tmp_path / "worker.log",
        queues=private_broker.queue,
    ).start()
    try:
        deadline = time.monotonic() + 90
        next_poll = time.monotonic()
        while mails.exclude(status=OutboxMail.Status.SENT).exists():
            assert time.monotonic() < deadline, list(mails.values_list("status", flat=True))
            if time.monotonic() >= next_poll:
                # What beat's poller does every minute, every second here (staleness 0:
                # hand over right away).
                outbox_dispatch_due(stale=timedelta(0))
                next_poll = time.monotonic() + 1
            time.sleep(0.1)
        # More polls after delivery send nothing again.
        assert outbox_dispatch_due(stale=timedelta(0)) == 0
        worker.wait_until_idle()
    finally:
        worker.stop()
    counts = sink_counts(sink)
    assert sorted(counts.values()) == [1, 1]
    assert set(counts) == set(mails.values_list("delivery_key", flat=True))
