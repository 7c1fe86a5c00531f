"""Capture-to-dashboard latency: how long until a captured, corrected or removed item
moves the dashboard's figures (issue #21: within 5 s at 1M items).

    DATABASE_URL=postgres://…/oc_bench_live python bench/bench_live.py --items 1000000

The data set comes from bench/dashboard_data.py (generated once; reused while the
database holds it). For each round, an item is captured into (then corrected in, then
removed from) a random meeting whose cells pass, in its own transaction as the capture
page does; the live update (`dashboard.live.meetings_apply`, the Celery task's body: run
in-process here, as eager Celery does) follows the commit, and the round ends when the
dashboard's total (`volume_by_month`, what the page shows) has moved by one. Printed
next to the floor measured in the same run: the full rebuild (`cube_refresh`) every
figure waited for before (plus up to `DASHBOARD_REFRESH_MINUTES`); BENCH_LIVE_FLOOR=0
skips it (bench_scale.py does at 10M items, where the generator has just run one).
"""

import argparse
import os
import statistics
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Timer, percentile, setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    setup_django(scratch_sqlite=None if on_postgres else "bench_live.sqlite3")
    import random

    from django.db import connection, transaction

    from bench.dashboard_data import generate
    from dashboard.aggregates import cube_refresh
    from dashboard.selectors import CubeReader, Filters, volume_by_month
    from feedback.models import FeedbackItem
    from feedback.services import feedback_capture, feedback_delete, feedback_update
    from meetings.models import Meeting

    existing = FeedbackItem.objects.count()
    if existing < args.items * 0.99:
        if existing:
            raise SystemExit(f"the database holds {existing} items: use an empty database")
        with Timer() as t:
            generate(meetings=max(100, args.items // 100), items=args.items)
        print(f"generated {args.items} items in {t.seconds:.1f} s")
    if os.environ.get("BENCH_LIVE_FLOOR", "1") == "1":
        with Timer() as rebuild:
            state = cube_refresh()
        print(
            f"{connection.vendor}, {state.feedback_items} items; full rebuild (the floor): "
            f"{rebuild.seconds:.1f} s; load {_load()}"
        )
    else:  # bench_scale at 10M: the rebuild takes many minutes; the generator ran one
        print(f"{connection.vendor}, {existing} items; full rebuild not measured; load {_load()}")

    def total() -> int:
        return volume_by_month(CubeReader(Filters()))["total"].value

    # Meetings with enough organisations of their own: an item there is published.
    rng = random.Random(21)
    candidates = list(
        Meeting.objects.filter(dashboard_signal__safe=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:2000]
    )
    if not candidates:
        raise SystemExit("no meeting has three organisations: nothing to publish")
    timings: dict[str, list[float]] = {"capture": [], "correct": [], "remove": []}
    misses = 0
    for _ in range(args.rounds):
        meeting = Meeting.objects.get(pk=rng.choice(candidates))
        before = total()
        with Timer() as t:
            with transaction.atomic():
                item = feedback_capture(
                    meeting=meeting,
                    text="The portal logs us out every twenty minutes",
                    idempotency_key=uuid.uuid4(),
                    kind="concern",
                    sentiment="negative",
                    record_after_close=True,
                ).item
            moved = total()
        timings["capture"].append(t.seconds)
        # A new item in a cell that did not pass before may publish more than itself.
        misses += moved <= before
        item = FeedbackItem.objects.select_related("meeting").get(pk=item.pk)
        with Timer() as t:
            with transaction.atomic():
                feedback_update(
                    item=item,
                    text="Invoices are late",
                    kind="concern",
                    sentiment="neutral",
                    section=item.section,
                    source=item.source,
                )
            total()
        timings["correct"].append(t.seconds)
        with Timer() as t:
            with transaction.atomic():
                feedback_delete(item=item)
            after = total()
        timings["remove"].append(t.seconds)
        misses += after != before
    for what, values in timings.items():
        print(
            f"  {what:8} → figures moved: p50 {statistics.median(values) * 1000:.0f} ms, "
            f"p95 {percentile(values, 95) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms "
            f"(n={len(values)})"
        )
    print(f"  rounds where the total did not move as expected: {misses}; load {_load()}")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
