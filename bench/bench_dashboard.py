"""The full dashboard page: p95 render time and query count at scale.

With DATABASE_URL pointing at PostgreSQL, the data set is 1,000,000 feedback items over
10,000 meetings (bench/dashboard_data.py); it is generated once and reused while the
database already holds it. Without DATABASE_URL, a scratch SQLite file and a smaller
set (BENCH_DASHBOARD_ITEMS, default 50,000) keep `make bench` quick.

Prints: generation/refresh times, the p50/p95 of the whole page (view, every widget,
template) as an executive, unfiltered and filtered, and the queries per page.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Timer, setup_django, summary_ms  # noqa: E402

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
ITEMS = int(os.environ.get("BENCH_DASHBOARD_ITEMS", 1_000_000 if ON_POSTGRES else 50_000))
MEETINGS = int(os.environ.get("BENCH_DASHBOARD_MEETINGS", max(100, ITEMS // 100)))
RUNS = int(os.environ.get("BENCH_DASHBOARD_RUNS", 30))


def main() -> None:
    setup_django(scratch_sqlite=None if ON_POSTGRES else "bench_dashboard.sqlite3")
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Role, User
    from bench.dashboard_data import generate
    from dashboard.aggregates import cube_refresh
    from dashboard.models import FeedbackCube
    from feedback.models import FeedbackItem

    existing = FeedbackItem.objects.count()
    if existing < ITEMS:
        if existing:
            print(f"the database holds {existing} items, fewer than {ITEMS}: use an empty database")
            sys.exit(1)
        with Timer() as t:
            generate(meetings=MEETINGS, items=ITEMS)
        print(f"generated {ITEMS} items over {MEETINGS} meetings in {t.seconds:.1f} s")
    elif os.environ.get("BENCH_DASHBOARD_REFRESH"):
        state = cube_refresh()
        print(f"reusing {existing} items; aggregates refreshed in {state.seconds:.1f} s")
    else:
        print(f"reusing {existing} items (set BENCH_DASHBOARD_REFRESH=1 to rebuild aggregates)")
    print(f"aggregate rows: {FeedbackCube.objects.count()}")

    user, _ = User.objects.get_or_create(username="bench-executive")
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get_or_create(name=Role.EXECUTIVE.value)[0])
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    from customers.models import Region

    region = Region.objects.order_by("pk").first()
    pages = {
        "unfiltered": "/dashboard/",
        "region + sentiment": f"/dashboard/?region={region.pk}&sentiment=negative",
        "section + kind + stage": "/dashboard/?section=customer&kind=concern&stage=1",
        "htmx partial": "/dashboard/?meeting_type=panel",
    }
    for name, url in pages.items():
        headers = {"HTTP_HX_REQUEST": "true"} if name == "htmx partial" else {}
        client.get(url, **headers)  # warm up
        times = []
        for _ in range(RUNS):
            reset_queries()
            with Timer() as t:
                response = client.get(url, **headers)
            assert response.status_code == 200, response.status_code
            times.append(t.seconds)
        with CaptureQueriesContext(connection) as queries:
            client.get(url, **headers)
        print(f"dashboard page ({name}): {summary_ms(times)}, {len(queries)} queries")


if __name__ == "__main__":
    main()
