"""A broker that refuses connections or accepts them and never answers holds no page.

Sending 100 invitations publishes at most one message, once, with short timeouts: the
page answers in under 2 s, the mail stays queued without a lease, and the poller hands
it over once the broker is back. The broker is reached through a TCP proxy of the
test's own, which the test cuts or stalls; the machine's Redis is never touched.
"""

import time
import uuid
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from outbox import handover
from outbox.models import OutboxMail
from outbox.services import outbox_dispatch_due
from tests.factories import BookingFactory, ContactFactory, MeetingFactory
from tests.outbox.conftest import use_broker
from tests.security.tcpproxy import TcpProxy
from tests.services import missing

pytestmark = pytest.mark.services

GUESTS = 100


@pytest.fixture
def broker_proxy(transactional_db, redis_url, settings):
    """This process publishes to the test's Redis through a proxy the test controls."""
    from config.celery import app

    target = urlsplit(redis_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 6379).start()
    original = (app.conf.broker_url, app.conf.task_default_queue)
    queue = f"test-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    use_broker(f"redis://127.0.0.1:{proxy.port}{target.path or '/0'}")
    handover.resume_publishing()
    proxy.queue = queue
    try:
        yield proxy
    finally:
        proxy.stop()
        use_broker(original[0])
        app.conf.task_always_eager = True
        app.conf.task_default_queue = original[1]
        handover.resume_publishing()


def send_invitations(client, meeting) -> tuple[float, int]:
    started = time.monotonic()
    response = client.post(
        reverse("invitations:meeting", args=[meeting.pk]),
        {"action": "send", "personal_message": "Do join us.", "reminder_days": "7, 1"},
    )
    return time.monotonic() - started, response.status_code


def meeting_with_guests():
    if connection.vendor != "postgresql":
        missing("the broker tests run against PostgreSQL (set DATABASE_URL)")
    meeting = MeetingFactory(title="Autumn leadership", agenda=True)
    for i in range(GUESTS):
        BookingFactory(meeting=meeting, contact=ContactFactory(email=f"g{i}@customer.example"))
    client = Client(raise_request_exception=False)
    client.force_login(meeting.owner)
    return meeting, client


def queue_length(redis_url: str, queue: str) -> int:
    import redis

    return redis.Redis.from_url(redis_url).llen(queue)


def assert_waiting_then_handed_over(meeting, broker_proxy, redis_url, *, waiting=GUESTS):
    mails = OutboxMail.objects.filter(meeting=meeting, kind=OutboxMail.Kind.INVITATION)
    assert mails.count() == GUESTS
    assert set(mails.values_list("status", flat=True)) == {OutboxMail.Status.QUEUED}
    # No lease: the next poll hands them over, it does not wait for a lease to expire.
    assert not mails.filter(claimed_until__isnull=False).exists()
    # The broker is back (a fresh proxy): one poll hands them over as one batch.
    fresh = TcpProxy(*broker_proxy.target).start()
    try:
        use_broker(f"redis://127.0.0.1:{fresh.port}{urlsplit(redis_url).path or '/0'}")
        handover.resume_publishing()
        assert outbox_dispatch_due() == waiting
        assert queue_length(redis_url, broker_proxy.queue) == 1
    finally:
        fresh.stop()
        import redis

        redis.Redis.from_url(redis_url).delete(broker_proxy.queue)


def test_100_invitations_with_the_broker_refusing_answer_within_2_seconds(broker_proxy, redis_url):
    meeting, client = meeting_with_guests()
    broker_proxy.stop()  # connections are refused
    seconds, status = send_invitations(client, meeting)
    assert status == 302
    assert seconds < 2, f"the page took {seconds:.2f} s"
    print(f"broker refusing: the page answered in {seconds:.2f} s")
    assert_waiting_then_handed_over(meeting, broker_proxy, redis_url)


def test_100_invitations_with_the_broker_silent_answer_within_2_seconds(broker_proxy, redis_url):
    meeting, client = meeting_with_guests()
    broker_proxy.stall()  # connections are accepted, nothing is ever answered
    seconds, status = send_invitations(client, meeting)
    assert status == 302
    assert seconds < 2, f"the page took {seconds:.2f} s"
    print(f"broker silent: the page answered in {seconds:.2f} s")
    # The next page does not even try: this process leaves the broker alone for a while.
    other = MeetingFactory(agenda=True)
    BookingFactory(meeting=other)
    seconds, status = send_invitations(client_for(other), other)
    assert status == 302
    assert seconds < 0.5
    assert_waiting_then_handed_over(meeting, broker_proxy, redis_url, waiting=GUESTS + 1)


def client_for(meeting) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(meeting.owner)
    return client
