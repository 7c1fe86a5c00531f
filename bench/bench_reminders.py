"""Reminder scheduling at scale, and the worker's sending rate.

1. Time to schedule the reminders (7 and 1 days before) and thank-yous for 100,000
   booked guests across 1,000 meetings: `reminders_schedule` in bulk. Target < 10 s
   on PostgreSQL. Then the time to move all those meetings' reminders (a week later).
2. Mails per second one Celery worker (prefork, concurrency 2) sends to a local file
   sink (tests.mailsink), needs REDIS_URL; skipped without it.

Run against PostgreSQL: DATABASE_URL=postgres://.../openchair_x python bench/bench_reminders.py
The data it creates is removed at the end. GUESTS=... and MAILS=... change the sizes.
"""

import datetime as dt
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import Timer, setup_django  # noqa: E402

GUESTS = int(os.environ.get("GUESTS", "100000"))
PER_MEETING = 100
MAILS = int(os.environ.get("MAILS", "1000"))
MARK = "Bench reminders"


def cleanup():
    from customers.models import Contact, Organisation, Region
    from meetings.models import Booking, Meeting
    from outbox.models import OutboxMail

    OutboxMail.objects.filter(delivery_key__startswith="bench-").delete()
    meetings = Meeting.objects.filter(region__name=MARK)
    OutboxMail.objects.filter(meeting__in=meetings).delete()
    Booking.objects.filter(meeting__in=meetings).delete()
    meetings.delete()
    Contact.objects.filter(organisation__region__name=MARK).delete()
    Organisation.objects.filter(region__name=MARK).delete()
    Region.objects.filter(name=MARK).delete()


def build():
    from django.utils import timezone

    from accounts.models import User
    from customers.models import Contact, Organisation, Region
    from invitations.models import MeetingInvitation
    from meetings.models import Booking, Meeting

    region = Region.objects.create(name=MARK, time_zone="Europe/London")
    owner, _ = User.objects.get_or_create(
        username="bench-leader", defaults={"email": "l@x.example"}
    )
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Bench org {i} {uuid.uuid4().hex[:6]}", region=region, country="GB")
            for i in range(1000)
        ]
    )
    run = uuid.uuid4().hex[:6]
    contacts = Contact.objects.bulk_create(
        [
            Contact(
                organisation=orgs[i % len(orgs)],
                name=f"Guest {i}",
                email=f"bench{run}-{i}@customer.example",
                time_zone="Europe/London",
            )
            for i in range(GUESTS)
        ],
        batch_size=5000,
    )
    start = (timezone.now() + dt.timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                title=f"Bench meeting {i}",
                region=region,
                country="GB",
                starts_at=start + dt.timedelta(hours=i),
                ends_at=start + dt.timedelta(hours=i + 3),
                time_zone="Europe/London",
                owner=owner,
                status=Meeting.Status.INVITED,
            )
            for i in range(GUESTS // PER_MEETING)
        ]
    )
    MeetingInvitation.objects.bulk_create(
        [MeetingInvitation(meeting=m, sent_at=timezone.now()) for m in meetings]
    )
    Booking.objects.bulk_create(
        [
            Booking(meeting=meetings[i // PER_MEETING], contact=contact)
            for i, contact in enumerate(contacts)
        ],
        batch_size=5000,
    )
    return meetings


def bench_scheduling():
    from django.db import connection, transaction

    from invitations.services import reminders_reschedule, reminders_schedule
    from meetings.models import Meeting
    from outbox.models import OutboxMail

    meetings = build()
    with Timer() as timer, transaction.atomic():
        reminders_schedule(meetings=meetings)
    rows = OutboxMail.objects.filter(meeting__in=meetings).count()
    print(
        f"schedule reminders + thank-yous for {GUESTS:,} guests in {len(meetings):,} meetings "
        f"({connection.vendor}): {timer.seconds:.2f} s, {rows:,} rows (target < 10 s)"
    )
    with Timer() as again, transaction.atomic():
        reminders_schedule(meetings=meetings)
    print(f"scheduling again (nothing new, no duplicate): {again.seconds:.2f} s")
    sample = meetings[:100]
    with Timer() as move, transaction.atomic():
        for meeting in sample:
            Meeting.objects.filter(pk=meeting.pk).update(
                starts_at=meeting.starts_at + dt.timedelta(days=7),
                ends_at=meeting.ends_at + dt.timedelta(days=7),
            )
            meeting.refresh_from_db()
            reminders_reschedule(meeting=meeting)
    print(
        f"move a meeting and its reminders: {move.seconds / len(sample) * 1000:.1f} ms per meeting "
        f"of {PER_MEETING} guests"
    )


def bench_sending():
    if not os.environ.get("REDIS_URL"):
        print("mails per second to a local sink: skipped (set REDIS_URL and DATABASE_URL)")
        return
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        print("mails per second to a local sink: skipped (needs PostgreSQL)")
        return
    from config.celery import app
    from outbox.models import OutboxMail
    from outbox.services import outbox_enqueue
    from tests.mailsink import sink_counts
    from tests.services import CeleryWorker, database_env

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    tmp = Path(tempfile.mkdtemp())
    sink = tmp / "sink.jsonl"
    env = {
        **os.environ,
        **database_env(connection),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_BACKEND": "tests.mailsink.FileSinkBackend",
        "MAIL_SINK_PATH": str(sink),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("EMAIL_URL", None)
    worker = CeleryWorker(env, tmp / "worker.log", queues=queue).start()
    try:
        started = time.perf_counter()
        with transaction.atomic():
            for i in range(MAILS):
                outbox_enqueue(
                    kind=OutboxMail.Kind.INVITATION,
                    recipient=f"sink{i}@customer.example",
                    subject=f"Invitation {i}",
                    text_body="You are invited.",
                    html_body="<p>You are invited.</p>",
                    delivery_key=f"bench-{queue}-{i}",
                    attachments=[
                        ("invite.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
                    ],
                )
        deadline = time.monotonic() + 300
        while sum(sink_counts(sink).values()) < MAILS and time.monotonic() < deadline:
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        sent = sum(sink_counts(sink).values())
        print(
            f"worker (concurrency 2) sent {sent:,} mails to a file sink in {seconds:.1f} s: "
            f"{sent / seconds:.0f} mails/s (from commit to last mail)"
        )
    finally:
        worker.stop()


def main():
    setup_django(scratch_sqlite="bench_reminders.sqlite3")
    cleanup()
    try:
        bench_scheduling()
        bench_sending()
    finally:
        cleanup()


if __name__ == "__main__":
    main()
