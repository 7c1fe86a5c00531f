"""Server time of every main page on the demo data (issue #25: each under 100 ms).

    DATABASE_URL=postgresql://…/demo python bench/bench_pages.py [--runs 10]

Runs against the database as it is (load it with `manage.py seed_demo` first, or the
demo-like set of bench/dashboard_data.py): Django's test client, a warm-up request, then
`--runs` timed requests per page; prints wall-clock p50/p95 and the process CPU time p50
(the steadier figure on a shared machine: it leaves out waiting for the CPU and the database).
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Timer, percentile, setup_django  # noqa: E402

BUDGET_MS = 100


def pages() -> list[tuple[str, str, str]]:
    from django.utils import timezone

    from actions.models import Charter
    from customers.models import Organisation
    from meetings.models import Meeting

    now = timezone.now()
    mine = Meeting.objects.filter(owner__username="leader")
    upcoming = mine.filter(starts_at__gt=now).order_by("starts_at").first()
    held = mine.filter(status__in=["held", "closed"]).order_by("-starts_at").first()
    rows = [
        ("Leader home", "leader", "/home/leader/"),
        ("Facilitator home", "facilitator", "/home/facilitator/"),
        ("Executive home", "executive", "/home/executive/"),
        ("Administrator home", "admin", "/home/administrator/"),
        ("Dashboard", "executive", "/dashboard/"),
        ("Dashboard, a table open", "executive", "/dashboard/?table=volume"),
        ("Board pack", "executive", "/dashboard/board-pack/"),
        ("Themes", "executive", "/dashboard/themes/"),
        ("Customer list", "leader", "/customers/"),
        ("Organisation", "leader", f"/customers/{Organisation.objects.first().pk}/"),
        ("Invite next", "leader", "/customers/invite-next/"),
        ("Meetings", "leader", "/meetings/"),
        ("Monthly rhythm", "leader", "/meetings/rhythm/"),
        ("Outbox", "leader", "/outbox/"),
        ("Actions", "leader", "/actions/"),
        ("My actions", "leader", "/actions/mine/"),
        ("Actions by region", "executive", "/actions/regions/"),
        ("Charters", "leader", "/actions/charter/"),
        ("Audit log", "admin", "/audit/"),
    ]
    if upcoming:
        rows.append(("Meeting (upcoming)", "leader", f"/meetings/{upcoming.pk}/"))
    if held:
        rows.append(("Meeting (held)", "leader", f"/meetings/{held.pk}/"))
        rows.append(("Captured feedback", "leader", f"/feedback/meetings/{held.pk}/capture/"))
    charter = Charter.objects.order_by("pk").first()
    if charter:
        rows.append(("Charter", "leader", f"/actions/charter/{charter.pk}/"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    setup_django()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import User

    setup_test_environment()
    clients: dict[str, Client] = {}
    slow = 0
    print(f"{'page':<26} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8}")
    for name, username, url in pages():
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        client = clients[username]
        status = client.get(url).status_code
        if status != 200:
            print(f"{name:<26} HTTP {status}")
            continue
        times, cpu = [], []
        for _ in range(args.runs):
            started = time.process_time()
            with Timer() as timer:
                client.get(url)
            cpu.append((time.process_time() - started) * 1000)
            times.append(timer.seconds * 1000)
        p50, p95, cpu50 = percentile(times, 50), percentile(times, 95), percentile(cpu, 50)
        slow += p50 >= BUDGET_MS
        print(f"{name:<26} {p50:>8.1f} {p95:>8.1f} {cpu50:>8.1f}")
    print(f"{slow} page(s) at or over {BUDGET_MS} ms (p50)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
