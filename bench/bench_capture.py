"""Capture POST latency with 100,000 existing items, next to a fair floor, in one run.

In-process through Django's test client (full middleware stack, DEBUG off), interleaved:
- capture: POST /feedback/meetings/<id>/capture/items/ as the capture page's script sends
  it for a logged-in facilitator (CSRF token checked), through Django's authentication,
  the `feedback.capture` rule and `feedback_capture` (redaction included; the meeting's
  redactor is cached, as it is once the capture page has been opened);
- capture with a tag and a journey stage (the same, one more INSERT for the tag);
- the fair floor: a view behind `login_required`, CSRF enforced, the same session, that
  inserts one FeedbackItem row through the ORM in the request's transaction
  (ATOMIC_REQUESTS, like every view), the same middleware.
Then, in a fresh process that imports `config.wsgi` as a gunicorn worker does (with its
warm-up, feedback/warmup.py), the time of that worker's first capture POST.
Prints p50/p95 of each and the ratios. Targets: ratio <= 1.2x at p50 and p95, capture
p95 <= 30 ms, at most 4 queries with a tag and a stage, first POST < 100 ms.
Uses a scratch SQLite file unless DATABASE_URL is set (then a scratch database next to it).
Set REDIS_URL as in production (sessions are then read from Redis, see
accounts/sessions.py); without it, from the database.
"""

import datetime as dt
import itertools
import os
import re
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import drop_scratch, percentile, scratch_postgres, setup_django  # noqa: E402

EXISTING = 100_000
# What capture.js sends (URLSearchParams), rather than the test client's multipart default.
FORM = "application/x-www-form-urlencoded"


def form_encoded(data: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(data)


ROUNDS = int(os.environ.get("BENCH_CAPTURE_ROUNDS", "400"))
WARMUP = 30


def build_urlconf(meeting_id: int):
    """The project's URLs plus the fair floor, in a module the test client can route to.

    The floor writes to another meeting, so its numbers never meet the capture's."""
    import types

    from django.http import HttpResponse
    from django.urls import include, path
    from django.views.decorators.http import require_POST

    from feedback.models import FeedbackItem

    numbers = itertools.count(10_000_000)
    meeting_date = dt.date(2026, 1, 15)

    @require_POST
    def floor_insert(request):
        FeedbackItem.objects.create(
            meeting_id=meeting_id,
            text=request.POST["text"],
            number=next(numbers),
            meeting_date=meeting_date,
            idempotency_key=uuid.uuid4(),
        )
        return HttpResponse(status=201)

    from django.contrib.auth.decorators import login_required

    module = types.ModuleType("bench_capture_urls")
    module.urlpatterns = [
        path("bench/floor/", login_required(floor_insert)),
        path("", include("config.urls")),
    ]
    sys.modules[module.__name__] = module
    return module.__name__


def seed():
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import Role, User
    from customers.models import Contact, Organisation, Region
    from feedback.models import FeedbackItem
    from meetings.models import Booking, Meeting

    region = Region.objects.create(name="Bench region", time_zone="Europe/London")
    owner = User.objects.create_user("bench-leader", first_name="Lena", last_name="Leader")
    facilitator = User.objects.create_user(
        "bench-facilitator", first_name="Femi", last_name="Facil"
    )
    facilitator.groups.add(Group.objects.get_or_create(name=Role.FACILITATOR.value)[0])
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Customer {n} Holdings Ltd", region=region, country="GB")
        for n in range(500)
    )
    now = timezone.now()
    meetings = Meeting.objects.bulk_create(
        Meeting(
            title=f"Meeting {n}",
            region=region,
            country="GB",
            starts_at=now - dt.timedelta(days=n, minutes=30),
            ends_at=now - dt.timedelta(days=n) + dt.timedelta(hours=2),
            time_zone="Europe/London",
            owner=owner,
            status=Meeting.Status.INVITED if n == 0 else Meeting.Status.CLOSED,
        )
        for n in range(200)
    )
    meeting = meetings[0]
    meeting.facilitators.add(facilitator)
    for n, org in enumerate(orgs[:4]):
        contact = Contact.objects.create(
            organisation=org,
            name=f"Guest{n} Person{n}",
            email=f"guest{n}@customer{n}.example",
            phone=f"+44 20 7946 09{n:02d}",
        )
        Booking.objects.create(meeting=meeting, contact=contact)
    per_meeting = EXISTING // len(meetings)
    batch = []
    for m in meetings:
        for number in range(1, per_meeting + 1):
            batch.append(
                FeedbackItem(
                    meeting=m,
                    text="The invoices arrive late and in three different formats.",
                    number=number,
                    meeting_date=m.starts_at.date(),
                    idempotency_key=uuid.uuid4(),
                )
            )
            if len(batch) >= 5000:
                FeedbackItem.objects.bulk_create(batch)
                batch = []
    FeedbackItem.objects.bulk_create(batch)
    return meeting, meetings[1], facilitator


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--first-post":
        return first_post(*sys.argv[2:])
    handle = scratch_postgres("bench_capture")
    try:
        return run()
    finally:
        drop_scratch(handle)


def capture_form(csrf_token: str, **extra) -> str:
    return form_encoded(
        {
            "text": TEXT,
            "idempotency_key": str(uuid.uuid4()),
            "section": "customer",
            "kind": "concern",
            "sentiment": "negative",
            "source": "guest",
            "stage": "",
            "tags": "",
            "csrfmiddlewaretoken": csrf_token,
            **extra,
        }
    )


TEXT = (
    "Guest0 Person0 said Customer 3 Holdings' invoices are late again; "
    "call +44 20 7946 0901 or write to guest0@customer0.example."
)


def first_post(url: str, session_cookie: str, csrf_cookie: str, csrf_token: str) -> int:
    """In a fresh process: start as a gunicorn worker does (import config.wsgi, with its
    warm-up), then time the worker's first capture POST and its second."""
    os.environ.update(DEBUG="0", ALLOWED_HOSTS="testserver")
    os.environ["SECURE_HTTPS"] = "0"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    t0 = time.perf_counter()
    from config.wsgi import application

    started = time.perf_counter() - t0
    from django.test import RequestFactory

    def post() -> float:
        request = RequestFactory().post(
            url,
            capture_form(csrf_token),
            content_type=FORM,
            HTTP_COOKIE=f"sessionid={session_cookie}; csrftoken={csrf_cookie}",
            HTTP_X_CSRFTOKEN=csrf_token,
            HTTP_X_CAPTURE_CLIENT="1",
        )
        status = []
        t = time.perf_counter()
        body = b"".join(application(request.environ, lambda s, h, *a: status.append(s)))
        elapsed = time.perf_counter() - t
        assert status[0].startswith("201"), (status, body[:300])
        return elapsed

    if os.environ.get("BENCH_PROFILE_FIRST"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        post()
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(60)
    first, second = post(), post()
    print(f"{started * 1000:.0f} {first * 1000:.2f} {second * 1000:.2f}")
    return 0


def run() -> int:
    setup_django(scratch_sqlite="bench_capture.sqlite3")
    import subprocess

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from feedback.models import FeedbackItem, JourneyStage, Tag

    # As in production: DEBUG off (no query log). Not `setup_test_environment()`, which
    # also instruments every template render for the test client (a signal that copies
    # the context), a cost only views that render pay and production never does.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    started = time.perf_counter()
    meeting, floor_meeting, facilitator = seed()
    Tag.objects.create(name="invoices")
    stage = JourneyStage.objects.order_by("pk").first()
    print(
        f"seeded {FeedbackItem.objects.count():,} items in {time.perf_counter() - started:.1f} s "
        f"on {connection.vendor}"
    )
    settings.ROOT_URLCONF = build_urlconf(floor_meeting.pk)
    from django.urls import clear_url_caches

    clear_url_caches()

    # Like the page's script: CSRF checked, its token sent as a header and a field.
    client = Client(enforce_csrf_checks=True)
    client.force_login(facilitator)
    capture_url = f"/feedback/meetings/{meeting.pk}/capture/items/"
    page = client.get(f"/feedback/meetings/{meeting.pk}/capture/")  # builds the redactor once
    csrf_token = re.search(r'"x-csrftoken": "([^"]+)"', page.content.decode()).group(1)

    def capture_once(**extra):
        response = client.post(
            capture_url,
            capture_form(csrf_token, **extra),
            content_type=FORM,
            HTTP_X_CAPTURE_CLIENT="1",
            HTTP_X_CSRFTOKEN=csrf_token,
        )
        assert response.status_code == 201, response.content[:300]

    def capture_tagged_once():
        capture_once(tags="invoices", stage=str(stage.pk))

    def floor_once():
        response = client.post(
            "/bench/floor/",
            form_encoded({"text": "The invoices are late again."}),
            content_type=FORM,
            HTTP_X_CSRFTOKEN=csrf_token,
        )
        assert response.status_code == 201

    runs = (("capture", capture_once), ("tagged", capture_tagged_once), ("floor", floor_once))
    timings = {name: [] for name, _run in runs}
    for _ in range(WARMUP):
        for _name, run in runs:
            run()
    # Interleaved so that all see the same machine load (2 shared cores here).
    for _ in range(ROUNDS):
        for name, run in runs:
            t0 = time.perf_counter()
            run()
            timings[name].append(time.perf_counter() - t0)
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(100):
            capture_once()
        profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ["BENCH_PROFILE"]).print_stats(45)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as counted:
        capture_tagged_once()
    # Data statements only: BEGIN/COMMIT are the request's transaction, as for the floor.
    queries = len([q for q in counted.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")])
    if os.environ.get("BENCH_QUERIES"):
        for q in counted.captured_queries:
            print(f"  {q['time']} s  {q['sql'][:100]}")
        for _ in range(3):
            with CaptureQueriesContext(connection) as again:
                capture_once()
            print("  plain:", ", ".join(f"{float(q['time']) * 1000:.2f} ms" for q in again))
    last = FeedbackItem.objects.filter(meeting=meeting).order_by("-number").first()
    assert "[person]" in last.text, last.text
    assert "Person0" not in last.text, last.text

    # Fresh workers: the first POST each one serves.
    connection.close()
    firsts = []
    for _ in range(3):
        out = subprocess.run(  # noqa: S603 - this script, fixed arguments
            [
                sys.executable,
                __file__,
                "--first-post",
                capture_url,
                client.cookies["sessionid"].value,
                client.cookies["csrftoken"].value,
                csrf_token,
            ],
            capture_output=True,
            text=True,
            check=True,
            # The parent's secret: Django checks the session against it.
            env={**os.environ, "SECRET_KEY": settings.SECRET_KEY},
        )
        if os.environ.get("BENCH_PROFILE_FIRST"):
            print(out.stderr[-12000:])
        out = out.stdout.split()
        firsts.append(tuple(float(v) for v in out[-3:]))

    def figures(values):
        return percentile(values, 50) * 1000, percentile(values, 95) * 1000

    c50, c95 = figures(timings["capture"])
    t50, t95 = figures(timings["tagged"])
    f50, f95 = figures(timings["floor"])
    sessions = "Redis" if settings.REDIS_URL else "the database"
    print(
        f"on {connection.vendor}; sessions read from {sessions}; "
        f"load average {' / '.join(f'{v:.2f}' for v in os.getloadavg())} (1/5/15 min)"
    )
    print(f"capture POST (redaction, rules)          : p50 {c50:.2f} ms, p95 {c95:.2f} ms")
    print(f"capture POST, a tag and a stage ({queries} q.) : p50 {t50:.2f} ms, p95 {t95:.2f} ms")
    print(f"fair floor (login_required, CSRF, 1 row) : p50 {f50:.2f} ms, p95 {f95:.2f} ms")
    print(f"n={ROUNDS} each, interleaved")
    print(f"ratio capture/floor: p50 {c50 / f50:.2f}x, p95 {c95 / f95:.2f}x (target <= 1.2x)")
    print(f"ratio tagged/floor: p50 {t50 / f50:.2f}x, p95 {t95 / f95:.2f}x")
    print(f"target p95 <= 30 ms: {'met' if max(c95, t95) <= 30 else 'NOT met'}")
    for n, (start, first, second) in enumerate(firsts, 1):
        print(
            f"fresh worker {n}: start-up {start:.0f} ms, first POST {first:.1f} ms, "
            f"second {second:.1f} ms (target first < 100 ms)"
        )
    print(f"example stored text: {last.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
