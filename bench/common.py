"""Shared set-up for benchmarks: Django on a scratch database, timing helpers."""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(*, scratch_sqlite: str | None = None) -> None:
    """Configure Django. Without DATABASE_URL, use a scratch SQLite file under bench/out/."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if "DATABASE_URL" not in os.environ and scratch_sqlite:
        out = ROOT / "bench" / "out"
        out.mkdir(exist_ok=True)
        path = out / scratch_sqlite
        path.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values) * 1000:.2f} ms, "
        f"p95 {percentile(values, 95) * 1000:.2f} ms, n={len(values)}"
    )


class Timer:
    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started


def scratch_postgres(suffix: str) -> str | None:
    """With a PostgreSQL DATABASE_URL, work in a scratch database next to it (dropped after)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    import psycopg

    base, _, name = url.rpartition("/")
    scratch = f"{name}_{suffix}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        conn.execute(f'CREATE DATABASE "{scratch}"')
    os.environ["DATABASE_URL"] = f"{base}/{scratch}"
    return f"{base}/postgres|{scratch}"


def drop_scratch(handle: str | None) -> None:
    if not handle:
        return
    import psycopg
    from django.db import connections

    connections.close_all()
    admin_url, scratch = handle.split("|")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')


def running_meeting(title: str, facilitator, region):
    """A GB leadership meeting that started half an hour ago, run and facilitated by
    `facilitator`: what a capture benchmark types into."""
    import datetime as dt

    from django.utils import timezone

    from meetings.models import Meeting

    now = timezone.now()
    found = Meeting.objects.create(
        title=title,
        type=Meeting.Type.LEADERSHIP,
        region=region,
        country="GB",
        owner=facilitator,
        starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(hours=2),
        time_zone="Europe/London",
        status=Meeting.Status.INVITED,
    )
    found.facilitators.add(facilitator)
    return found
