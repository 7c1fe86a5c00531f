"""Capture POST latency with 100,000 existing items, next to a bare insert view.

In-process through Django's test client (full middleware stack, DEBUG off):
- capture: POST /feedback/meetings/<id>/capture/items/ as the capture page's script sends
  it for a logged-in facilitator (CSRF token checked), redaction included (the meeting's
  redactor is cached, as it is after the first item). Its one INSERT checks the session
  row and the user itself (accounts/session_user.py): it reads neither;
- bare: a plain Django view with no auth and no logic that inserts one FeedbackItem row
  through the ORM (in the project's ATOMIC_REQUESTS transaction, like every view);
- the same bare view behind `login_required` (it reads the session and the user, as
  every other page of the app does).
Prints p50/p95 of each and the ratios. Targets: capture p95 < 30 ms, ratio <= 1.5x.
Uses a scratch SQLite file unless DATABASE_URL is set (then a scratch database next to it).
Set REDIS_URL as in production (the login_required view then reads sessions from Redis,
see accounts/sessions.py); without it, from the database.
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
    """The project's URLs plus the bare view, in a module the test client can route to.

    The bare view writes to another meeting, so its numbers never meet the capture's."""
    import types

    from django.http import HttpResponse
    from django.urls import include, path
    from django.views.decorators.http import require_POST

    from feedback.models import FeedbackItem

    numbers = itertools.count(10_000_000)
    meeting_date = dt.date(2026, 1, 15)

    @require_POST
    def bare_insert(request):
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
        path("bench/bare-insert/", bare_insert),
        path("bench/bare-insert-logged-in/", login_required(bare_insert)),
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
    handle = scratch_postgres("bench_capture")
    try:
        return run()
    finally:
        drop_scratch(handle)


def run() -> int:
    setup_django(scratch_sqlite="bench_capture.sqlite3")
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from feedback.models import FeedbackItem

    # As in production: DEBUG off (no query log). Not `setup_test_environment()`, which
    # also instruments every template render for the test client (a signal that copies
    # the context), a cost only views that render pay and production never does.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    started = time.perf_counter()
    meeting, bare_meeting, facilitator = seed()
    print(
        f"seeded {FeedbackItem.objects.count():,} items in {time.perf_counter() - started:.1f} s "
        f"on {connection.vendor}"
    )
    settings.ROOT_URLCONF = build_urlconf(bare_meeting.pk)
    from django.urls import clear_url_caches

    clear_url_caches()

    # Like the page's script: CSRF checked, its token sent as a header and a field.
    client = Client(enforce_csrf_checks=True)
    client.force_login(facilitator)
    capture_url = f"/feedback/meetings/{meeting.pk}/capture/items/"
    page = client.get(f"/feedback/meetings/{meeting.pk}/capture/")  # builds the redactor once
    csrf_token = re.search(r'"x-csrftoken": "([^"]+)"', page.content.decode()).group(1)
    text = (
        "Guest0 Person0 said Customer 3 Holdings' invoices are late again; "
        "call +44 20 7946 0901 or write to guest0@customer0.example."
    )

    def capture_once():
        response = client.post(
            capture_url,
            form_encoded(
                {
                    "text": text,
                    "idempotency_key": str(uuid.uuid4()),
                    "section": "customer",
                    "kind": "concern",
                    "sentiment": "negative",
                    "source": "guest",
                    "stage": "",
                    "tags": "",
                    "csrfmiddlewaretoken": csrf_token,
                }
            ),
            content_type=FORM,
            HTTP_X_CAPTURE_CLIENT="1",
            HTTP_X_CSRFTOKEN=csrf_token,
        )
        assert response.status_code == 201, response.content[:300]

    bare = Client()

    def bare_once():
        response = bare.post(
            "/bench/bare-insert/",
            form_encoded({"text": "The invoices are late again."}),
            content_type=FORM,
        )
        assert response.status_code == 201

    def bare_logged_in_once():
        response = client.post(
            "/bench/bare-insert-logged-in/",
            form_encoded({"text": "The invoices are late again."}),
            content_type=FORM,
            HTTP_X_CSRFTOKEN=csrf_token,
        )
        assert response.status_code == 201

    runs = (("capture", capture_once), ("bare", bare_once), ("bare_login", bare_logged_in_once))
    timings = {name: [] for name, _run in runs}
    for _ in range(WARMUP):
        for _name, run in runs:
            run()
    # Interleaved so that both see the same machine load (2 shared cores here).
    for _ in range(ROUNDS):
        for name, run in runs:
            t0 = time.perf_counter()
            run()
            timings[name].append(time.perf_counter() - t0)
    if os.environ.get("BENCH_QUERIES"):
        from collections import defaultdict

        from django.test.utils import CaptureQueriesContext

        per_query = defaultdict(list)
        for _ in range(50):
            with CaptureQueriesContext(connection) as queries:
                capture_once()
            for n, q in enumerate(queries.captured_queries):
                per_query[(n, (q["sql"] or "(prepared)")[:70])].append(float(q["time"]))
        for (n, sql), times in sorted(per_query.items()):
            print(f"  query {n}: {sum(times) / len(times) * 1000:6.2f} ms  {sql}")
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(100):
            capture_once()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as counted:
        capture_once()
    queries = len(counted.captured_queries)
    last = FeedbackItem.objects.filter(meeting=meeting).order_by("-number").first()
    assert "[person]" in last.text, last.text
    assert "Person0" not in last.text, last.text

    def figures(values):
        return percentile(values, 50) * 1000, percentile(values, 95) * 1000

    c50, c95 = figures(timings["capture"])
    b50, b95 = figures(timings["bare"])
    l50, l95 = figures(timings["bare_login"])
    sessions = "Redis" if settings.REDIS_URL else "the database"
    print(
        f"on {connection.vendor}; login_required reads sessions from {sessions}; "
        f"load average {os.getloadavg()[0]:.2f} (1 min)"
    )
    print(f"capture POST ({queries} queries, redaction, rules): p50 {c50:.2f} ms, p95 {c95:.2f} ms")
    print(f"bare insert view (one row, no auth)      : p50 {b50:.2f} ms, p95 {b95:.2f} ms")
    print(f"bare insert view behind login_required   : p50 {l50:.2f} ms, p95 {l95:.2f} ms")
    print(f"n={ROUNDS} each, interleaved")
    print(f"ratio capture/bare: p50 {c50 / b50:.2f}x, p95 {c95 / b95:.2f}x (target <= 1.5x)")
    print(f"ratio capture/bare behind login: p50 {c50 / l50:.2f}x, p95 {c95 / l95:.2f}x")
    print(f"target p95 < 30 ms: {'met' if c95 < 30 else 'NOT met'}")
    print(f"example stored text: {last.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
