"""Customer CSV import of 10,000 contacts, and the customer list's query count.

Prints, for SQLite and (when DATABASE_URL points at PostgreSQL) for PostgreSQL:
- the time to preview and to import a generated file of 10,000 contacts at 1,000
  organisations through the same services the import page uses (target: under 10 s),
  and the time to import it again (which must change nothing);
- the number of queries the customer list page makes with 10 and with 1,000
  organisations (it must not grow).

On PostgreSQL it works in a scratch database `<name>_bench_customers` next to the one
DATABASE_URL names, created and dropped here, so it never touches real data.
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django  # noqa: E402


class Timer:
    """Wall-clock and CPU seconds: on a shared, busy machine the two differ a lot."""

    def __enter__(self):
        self.started, self.cpu_started = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        self.cpu = time.process_time() - self.cpu_started

    def __str__(self):
        return f"{self.seconds:.2f} s (CPU {self.cpu:.2f} s)"


CONTACTS = 10_000
PER_ORGANISATION = 10
REGIONS = [("UK & Ireland", ["GB", "IE"]), ("DACH", ["DE", "AT", "CH"]), ("Nordics", ["SE", "NO"])]
FACETS = ["Cloud platform", "Payments", "Field service", "Public sector", "Retail", "Manufacturing"]


def generate_csv(contacts: int, *, offset: int = 0) -> bytes:
    lines = ["organisation,tier,region,country,facets,contact name,email,job title,phone,language"]
    for i in range(offset, offset + contacts):
        org = i // PER_ORGANISATION
        region, countries = REGIONS[org % len(REGIONS)]
        facets = ";".join({FACETS[org % 6], FACETS[(org * 7 + 3) % 6]})
        tier = ("key", "strategic", "other")[org % 3]
        lines.append(
            f"Organisation {org:05d} Ltd,{tier},{region},{countries[org % len(countries)]},"
            f"{facets},Person {i:05d},person{i:05d}@org{org:05d}.example,Buyer,"
            f"+44 20 7946 {i % 10000:04d},en"
        )
    return ("\n".join(lines) + "\n").encode()


def list_query_count(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/customers/", {"sort": "last_met"})
    assert response.status_code == 200, response.status_code
    return len(queries)


def run(backend: str) -> None:
    setup_django(scratch_sqlite="bench_customers.sqlite3")
    from django.test import Client
    from django.test.utils import setup_test_environment

    from customers.models import Contact, Facet, Organisation, Region
    from customers.services import import_apply, import_plan
    from tests.factories import facilitator

    setup_test_environment()
    for name, countries in REGIONS:
        Region.objects.get_or_create(name=name, defaults={"countries": countries})
    for position, name in enumerate(FACETS):
        Facet.objects.get_or_create(name=name, defaults={"position": position})
    client = Client()
    client.force_login(facilitator(username="bench-facilitator"))

    small = generate_csv(10 * PER_ORGANISATION, offset=CONTACTS)  # 10 organisations
    import_apply(content=small)
    queries_10 = list_query_count(client)

    content = generate_csv(CONTACTS)
    with Timer() as preview:
        plan = import_plan(content=content)
    assert plan.ok, plan.error_rows[:3] or plan.file_errors
    with Timer() as first:
        plan = import_apply(content=content)
    assert plan.contacts_new == CONTACTS, plan.summary()
    with Timer() as again:
        replan = import_apply(content=content)
    assert replan.changes == 0, replan.summary()
    organisations = Organisation.objects.count()
    queries_1000 = list_query_count(client)

    print(
        f"[{backend}] import of {CONTACTS:,} contacts at {plan.organisations_new:,} organisations "
        f"({len(content) / 1e6:.1f} MB): preview {preview}, import {first} (target < 10 s), "
        f"re-import (no change) {again}"
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    print(f"[{backend}] machine load average during the run: {load:.1f} on {os.cpu_count()} CPUs")
    print(
        f"[{backend}] customer list queries: {queries_10} with 10 organisations, "
        f"{queries_1000} with {organisations:,} organisations "
        f"({'constant' if queries_10 == queries_1000 else 'NOT constant'}); "
        f"{Contact.objects.count():,} contacts stored"
    )


def _postgres_scratch(url: str) -> str:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench_customers"
    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def _drop(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        run(sys.argv[2])
        return 0
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.pop("REDIS_URL", None)
    status = subprocess.run(
        [sys.executable, __file__, "--child", "sqlite"], env=env, check=False
    ).returncode
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        scratch = _postgres_scratch(url)
        try:
            status |= subprocess.run(
                [sys.executable, __file__, "--child", "postgresql"],
                env={**env, "DATABASE_URL": scratch},
                check=False,
            ).returncode
        finally:
            _drop(scratch)
    else:
        print("[postgresql] skipped: set DATABASE_URL=postgres://… to measure PostgreSQL too")
    return status


if __name__ == "__main__":
    sys.exit(main())
