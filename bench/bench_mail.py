"""Mail at scale and under faults (issue #20), in one run, figures side by side.

1. Hand 300,000 due mails to the broker: seconds, broker messages against batches, and
   whether any mail is in two live batches (every message decoded). Target < 10 s.
2. Mails per second one worker process (prefork, concurrency 1) sends to a local SMTP
   server (tests/smtpsink.py), against Django's plain `send_mail` loop to the same server
   in the same run. Targets: >= 200/s and >= half the loop.
3. The invitation page with 100 guests while the broker refuses connections, and while
   it accepts them and never answers (a TCP proxy of the bench's own). Target < 2 s.
4. 1,500 mails while the worker's process group is SIGKILLed 80 times: lost, duplicated;
   twice, side by side: plain SMTP, then with the provider's acceptance check
   (`outbox.acceptance.mailpit` asking the SMTP server's Mailpit-compatible search).

Needs PostgreSQL and Redis: DATABASE_URL=postgres://… REDIS_URL=redis://… python
bench/bench_mail.py. MAILS=, SEND=, KILL_MAILS=, KILLS= change the sizes (e.g. a quick
look: KILL_MAILS=300 KILLS=10 python bench/bench_mail.py kills). Its rows and queues are
removed at the end.
"""

import base64
import json
import math
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import Timer, setup_django  # noqa: E402

MAILS = int(os.environ.get("MAILS", "300000"))
SEND = int(os.environ.get("SEND", "2000"))
KILL_MAILS = int(os.environ.get("KILL_MAILS", "1500"))
KILLS = int(os.environ.get("KILLS", "80"))
PREFIX = "bench-mail-"
results: list[tuple[str, str, str]] = []


def redis_client():
    import redis

    return redis.Redis.from_url(os.environ["REDIS_URL"])


def use_queue(queue: str) -> None:
    from config.celery import app

    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue


def messages_in(queue: str) -> list[tuple[list[int], str]]:
    out = []
    for raw in redis_client().lrange(queue, 0, -1):
        envelope = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(envelope["body"]))
        out.append((args[0], args[1]))
    return out


def bench_handover():
    from django.db import connection
    from django.utils import timezone

    from outbox.handover import batch_size
    from outbox.models import OutboxMail
    from outbox.services import outbox_dispatch_due

    queue = f"bench-handover-{uuid.uuid4().hex[:8]}"
    use_queue(queue)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO outbox_outboxmail (kind, recipient, subject, text_body, html_body,
                attachments, renderer, render_args, delivery_key, status, attempts,
                last_error, due_at, created_at, updated_at)
            SELECT 'reminder', 'g' || i || '@customer.example', 'Reminder', 'Hello', '',
                '[]'::jsonb, '', '{}'::jsonb, %s || i, 'queued', 0, '', %s, %s, %s
            FROM generate_series(1, %s) AS i
            """,
            [f"{PREFIX}{queue}:", now, now, now, MAILS],
        )
        cursor.execute("ANALYZE outbox_outboxmail")  # as autovacuum would after such a load
    try:
        with Timer() as timer:
            handed = outbox_dispatch_due()
        messages = messages_in(queue)
        ids = [pk for batch, _lease in messages for pk in batch]
        live = {
            (pk, lease)
            for pk, lease in OutboxMail.objects.filter(
                delivery_key__startswith=f"{PREFIX}{queue}:"
            ).values_list("pk", "claimed_until")
        }
        live_in_messages = sum(
            1 for batch, lease in messages for pk in batch if (pk, _parse(lease)) in live
        )
        again = outbox_dispatch_due()
        expected_batches = math.ceil(MAILS / batch_size())
        results.append(
            (
                f"hand {MAILS:,} due mails to the broker",
                f"{timer.seconds:.2f} s ({handed:,} mails, {len(messages):,} messages for "
                f"{expected_batches:,} batches of {batch_size()}; mails in two messages: "
                f"{len(ids) - len(set(ids))}; live in their message: {live_in_messages:,}; "
                f"handed over again by the next sweep: {again})",
                "< 10 s, messages = batches, 0 in two",
            )
        )
    finally:
        redis_client().delete(queue)
        OutboxMail.objects.filter(delivery_key__startswith=f"{PREFIX}{queue}:").delete()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE outbox_outboxmail")


def _parse(value: str):
    from datetime import datetime

    return datetime.fromisoformat(value)


def bench_throughput():
    from datetime import timedelta

    from django.core.mail import get_connection, send_mail
    from django.db import connection
    from django.utils import timezone

    from outbox.models import OutboxMail
    from outbox.services import outbox_dispatch_due
    from tests.outbox.kills import queue_mails, worker_env
    from tests.services import CeleryWorker
    from tests.smtpsink import SmtpSink

    tmp = Path(tempfile.mkdtemp())
    sink = SmtpSink(tmp / "smtp.jsonl").start()
    queue = f"bench-send-{uuid.uuid4().hex[:8]}"
    use_queue(queue)
    worker = None
    try:
        smtp = {
            "backend": "django.core.mail.backends.smtp.EmailBackend",
            "host": "127.0.0.1",
            "port": sink.port,
        }

        def plain_loop(numbers) -> float:
            with Timer() as loop:
                for i in numbers:
                    send_mail(
                        f"Invitation {i}",
                        "You are invited.",
                        "open-chair@localhost",
                        [f"loop{i}@customer.example"],
                        html_message="<p>You are invited.</p>",
                        connection=get_connection(**smtp),
                    )
            return loop.seconds

        # The loop runs half before and half after the worker, so that a change in the
        # shared machine's load weighs on both figures alike.
        loop_seconds = plain_loop(range(SEND // 2))
        # Not due yet: nothing is handed over before the worker is ready and the clock runs.
        keys = queue_mails(SEND, f"{PREFIX}{queue}", due_at=timezone.now() + timedelta(days=1))
        worker = CeleryWorker(
            worker_env(redis_url=os.environ["REDIS_URL"], queue=queue, sink=sink),
            tmp / "worker.log",
            queues=queue,
            concurrency=1,
        ).start()
        before = sink.count()
        with Timer() as timer:
            OutboxMail.objects.filter(delivery_key__in=keys).update(due_at=timezone.now())
            outbox_dispatch_due()
            deadline = time.monotonic() + 300
            while sink.count() < before + SEND and time.monotonic() < deadline:
                time.sleep(0.01)
        sent = sink.count() - before
        rate = sent / timer.seconds
        loop_seconds += plain_loop(range(SEND // 2, SEND))
        plain = SEND / loop_seconds
        db = connection.vendor
        results.append(
            (
                f"one worker process, {SEND:,} mails to a local SMTP server ({db})",
                f"{rate:.0f} mails/s, against {plain:.0f}/s for the plain send_mail loop "
                f"({rate / plain:.0%})",
                ">= 200/s and >= 50 % of the loop",
            )
        )
        OutboxMail.objects.filter(delivery_key__in=keys).delete()
    finally:
        if worker:
            worker.stop()
        sink.stop()
        redis_client().delete(queue)


def bench_page_with_broker_down():
    import random

    import factory
    from django.test import Client
    from django.urls import reverse

    from meetings.models import Meeting
    from outbox import handover
    from outbox.models import OutboxMail
    from tests import factories
    from tests.factories import BookingFactory, ContactFactory, MeetingFactory
    from tests.outbox.conftest import use_broker
    from tests.security.tcpproxy import TcpProxy

    # Factory sequences restart in every process: start them where no earlier run was.
    offset = random.randrange(10**6, 10**9)
    for value in vars(factories).values():
        if isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory):
            value.reset_sequence(offset, force=True)
    target = urlsplit(os.environ["REDIS_URL"])
    figures = {}
    for fault in ("refusing", "silent"):
        proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 6379).start()
        use_queue(f"bench-page-{uuid.uuid4().hex[:8]}")
        use_broker(f"redis://127.0.0.1:{proxy.port}{target.path or '/0'}")
        handover.resume_publishing()
        meeting = MeetingFactory(title=f"{PREFIX}{fault}", agenda=True)
        run = uuid.uuid4().hex[:6]
        for i in range(100):
            BookingFactory(
                meeting=meeting, contact=ContactFactory(email=f"{run}-{i}@customer.example")
            )
        client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
        client.force_login(meeting.owner)
        proxy.stop() if fault == "refusing" else proxy.stall()
        with Timer() as timer:
            response = client.post(
                reverse("invitations:meeting", args=[meeting.pk]),
                {"action": "send", "personal_message": "Do join us.", "reminder_days": "7, 1"},
            )
        queued = OutboxMail.objects.filter(meeting=meeting, status="queued").count()
        figures[fault] = f"{timer.seconds:.2f} s (HTTP {response.status_code}, {queued} queued)"
        proxy.stop()
        OutboxMail.objects.filter(meeting=meeting).delete()
        Meeting.objects.filter(pk=meeting.pk).delete()
    handover.resume_publishing()
    use_broker(os.environ["REDIS_URL"])
    results.append(
        (
            "invitation page, 100 guests, broker down",
            f"refusing: {figures['refusing']}; silent: {figures['silent']}",
            "< 2 s",
        )
    )


def bench_kills():
    from outbox.models import OutboxMail
    from tests.outbox.kills import run_kills

    for check in (False, True):
        run = run_kills(
            mails=KILL_MAILS,
            kills=KILLS,
            redis_url=os.environ["REDIS_URL"],
            tmp_path=Path(tempfile.mkdtemp()),
            acceptance_check=check,
        )
        OutboxMail.objects.filter(delivery_key__startswith="kill-").delete()
        how = "with the provider's acceptance check" if check else "plain SMTP"
        confirmed = f"confirmed by the provider, not sent again: {run.confirmed}; " if check else ""
        results.append(
            (
                f"{run.mails:,} mails, worker process group SIGKILLed {run.kills} times, {how}",
                f"lost {len(run.lost)}, duplicated {len(run.duplicated)} "
                f"(different Message-IDs: {len(run.other_message_ids)}; not the mail accepted "
                f"last before a kill: {len(run.outside_window)}); {confirmed}attempts a kill "
                f"interrupted: {run.interrupted}; {run.seconds:.0f} s",
                "0 lost, 0 duplicated",
            )
        )


def main():
    if not os.environ.get("REDIS_URL") or "postgres" not in os.environ.get("DATABASE_URL", ""):
        print("bench_mail: skipped (needs DATABASE_URL=postgres://… and REDIS_URL)")
        return
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DB_STATEMENT_TIMEOUT", "0")  # loading 300,000 rows is no page
    setup_django()
    import logging

    logging.disable(logging.WARNING)
    parts = sys.argv[1:] or ["handover", "throughput", "page", "kills"]
    for name in parts:
        printed = len(results)
        globals()[f"bench_{'page_with_broker_down' if name == 'page' else name}"]()
        for label, measured, target in results[printed:]:
            print(f"{label}: {measured}  |  target {target}", flush=True)


if __name__ == "__main__":
    main()
