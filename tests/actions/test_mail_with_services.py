"""Follow-ups and overdue reminders through a real Celery worker, Redis and PostgreSQL."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from actions import services, tasks
from outbox.models import OutboxMail
from outbox.services import outbox_dispatch_due
from tests.factories import ActionFactory, BookingFactory, FeedbackItemFactory, MeetingFactory

pytestmark = pytest.mark.services


def wait_until_sent(queryset, expected: int, *, worker, timeout: float = 60) -> list[OutboxMail]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = list(queryset.all())  # a fresh query each time, not the cached rows
        if len(rows) == expected and all(r.status == OutboxMail.Status.SENT for r in rows):
            return rows
        outbox_dispatch_due(stale=dt.timedelta(seconds=10))
        time.sleep(0.5)
    states = [(r.delivery_key, r.status) for r in queryset.all()]
    raise AssertionError(f"not sent in time: {states}\n{worker.log_path.read_text()[-2000:]}")


def test_follow_up_reaches_each_guest_once_through_the_worker(celery_worker):
    start = timezone.now() - dt.timedelta(days=2)
    meeting = MeetingFactory(starts_at=start, ends_at=start + dt.timedelta(hours=2), status="held")
    for _ in range(3):
        BookingFactory(meeting=meeting, attended=True)
    item = FeedbackItemFactory(meeting=meeting, text="Too many hand-offs.")
    ActionFactory(meeting=meeting, feedback_item=item, title="One advocate", status="done")
    follow_up = services.follow_up_compose(
        meeting=meeting, by=meeting.owner, introduction="", closing="", feedback_items=[item]
    )
    assert services.follow_up_publish(follow_up=follow_up, by=meeting.owner) == 3
    mails = OutboxMail.objects.filter(kind=OutboxMail.Kind.FOLLOW_UP)
    wait_until_sent(mails, 3, worker=celery_worker)
    # A second publish (a retry, a double click) sends nothing more.
    assert services.follow_up_publish(follow_up=follow_up, by=meeting.owner) == 0
    celery_worker.wait_until_idle()
    assert mails.count() == 3
    assert all(m.attempts == 1 for m in mails)


def test_beat_reminder_task_on_the_worker_sends_one_reminder(celery_worker):
    action = ActionFactory(due_date=timezone.localdate() - dt.timedelta(days=1))
    tasks.remind_overdue.delay()
    tasks.remind_overdue.delay()
    reminders = OutboxMail.objects.filter(kind=OutboxMail.Kind.ACTION_REMINDER)
    [mail] = wait_until_sent(reminders, 1, worker=celery_worker)
    assert mail.recipient == action.owner.email
    celery_worker.wait_until_idle()  # the second reminder task ran to its end too
    assert reminders.count() == 1
