"""Theme recomputation at scale: wall time, CPU time and peak memory (issue #21: 1M items
in at most 60 s and 500 MB).

    DB_STATEMENT_TIMEOUT=0 DATABASE_URL=postgres://…/oc_bench python bench/bench_themes.py --items 1000000

Uses the data set of bench/dashboard_data.py (generated when the database is empty;
reused while it holds enough items). Printed next to floors measured in the same run:
the process's memory once Django, scikit-learn and the redactor are loaded (before any
item is read), and the time to read every item's text once, which any recomputation
has to do. A Celery worker runs without a statement timeout (DB_WORKER_STATEMENT_TIMEOUT),
so the bench is run with DB_STATEMENT_TIMEOUT=0 too.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Timer, setup_django  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    args = parser.parse_args()
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    if not on_postgres:  # kept between runs: generated in one, measured in the next
        out = Path(__file__).resolve().parent / "out"
        out.mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{out / 'bench_themes.sqlite3'}"
    setup_django()
    import sklearn.decomposition  # noqa: F401 - loaded before the floor is read
    import sklearn.feature_extraction.text  # noqa: F401
    from django.db import connection

    from bench.dashboard_data import generate
    from dashboard.models import Theme
    from dashboard.themes import themes_recompute
    from feedback.models import FeedbackItem
    from feedback.redaction import register_redactor

    existing = FeedbackItem.objects.count()
    if existing < args.items * 0.99:
        if existing:
            raise SystemExit(f"the database holds {existing} items: use an empty database")
        generate(meetings=max(100, args.items // 100), items=args.items)
        # Measured in a fresh process, so that generating leaves nothing in its memory.
        connection.close()
        sys.stdout.flush()
        os.execv(sys.executable, [sys.executable, *sys.argv])  # noqa: S606 - this script again
    register_redactor()
    floor_mb = peak_mb()
    with Timer() as read:
        characters = sum(
            len(text)
            for text in FeedbackItem.objects.values_list("text", flat=True).iterator(20_000)
        )
    cpu = time.process_time()
    with Timer() as t:
        result = themes_recompute()
    cpu = time.process_time() - cpu
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"theme recompute, {existing} items ({connection.vendor}; load {load})")
    print(
        f"  recompute: {t.seconds:.1f} s wall, {cpu:.1f} s CPU (this process), "
        f"peak memory {peak_mb():.0f} MB; {result['themes']} themes, {result['items']} items"
    )
    print("  stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in result["seconds"].items()))
    print(
        f"  floors: memory before reading items {floor_mb:.0f} MB; reading every text once "
        f"({characters / 1e6:.1f} M characters) {read.seconds:.1f} s"
    )
    print("  themes:", "; ".join(Theme.objects.filter(size__gt=0).values_list("name", flat=True)))


if __name__ == "__main__":
    main()
