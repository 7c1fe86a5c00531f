"""The dashboard at 10k, 100k, 1M and 10M items, side by side (issue #21).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/bench_scale.py
    … python bench/bench_scale.py --sizes 10000 100000       # a subset

Needs PostgreSQL (skipped without it, as under a plain `make bench`). Each size lives in
its own database, `oc_scale_<size>` (10k, 100k, 1m, 10m) on the server of DATABASE_URL, with
one meeting per 100 items. A database is generated once by bench/dashboard_data.py and
reused while it holds the data: 10M items took 37 minutes to generate on this 2-core
machine (load 8–10; the full rebuild of the aggregates 23 of them) and 5 GB of memory.

For each size, in a process of its own so that sizes do not share caches:
- bench_dashboard.py: every dashboard case (unfiltered, each filter, combinations), the
  full page and its htmx partial, p50/p95 and the page's query count, and the
  unfiltered page's element count;
- bench_live.py: how long until a captured, corrected and removed item moves the
  dashboard's figures (the incremental path), without the full-rebuild floor at the
  sizes where that takes minutes (BENCH_SCALE_FLOOR=1 measures it everywhere).

Then one table: per case, p95 and queries at each size, the load average after each
size's page runs, so that the growth of cost with the data is visible.
"""

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SIZES = [10_000, 100_000, 1_000_000, 10_000_000]
PAGE = re.compile(
    r"dashboard (?P<what>full page|htmx partial) \((?P<case>[^)]+)\): "
    r"p50 (?P<p50>[\d.]+) ms, p95 (?P<p95>[\d.]+) ms, n=\d+, (?P<queries>\d+) queries"
)
ELEMENTS = re.compile(r"dashboard full page \(unfiltered\): (?P<n>\d+) elements")
LOAD = re.compile(r"load average after the page runs: (?P<load>[\d. ]+)")
LIVE = re.compile(
    r"(?P<what>capture|correct|remove)\s+→ figures moved: p50 (?P<p50>\d+) ms, p95 (?P<p95>\d+) ms"
)


def label(size: int) -> str:
    for unit, name in ((1_000_000, "m"), (1_000, "k")):
        if size >= unit and size % unit == 0:
            return f"{size // unit}{name}"
    return str(size)


def database_url(server: str, size: int) -> str:
    return f"{server.rstrip('/')}/oc_scale_{label(size)}"


def ensure_database(server: str, size: int) -> None:
    import psycopg

    name = f"oc_scale_{label(size)}"
    with psycopg.connect(f"{server.rstrip('/')}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')


def run(script: str, args: list[str], env: dict) -> str:
    """Run one bench script, echo its output as it comes, return it."""
    process = subprocess.Popen(  # noqa: S603 - our own scripts
        [sys.executable, str(HERE / script), *args],
        cwd=HERE.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    for line in process.stdout:
        print(f"    {line}", end="", flush=True)
        lines.append(line)
    if process.wait() != 0:
        raise SystemExit(f"{script} failed (exit {process.returncode})")
    return "".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES)
    parser.add_argument("--runs", type=int, default=20, help="requests per case and size")
    parser.add_argument("--rounds", type=int, default=10, help="live rounds per size")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "bench_scale: skipped (needs DATABASE_URL=postgres://…; the sizes get databases of their own)"
        )
        return
    server = url.rpartition("/")[0]
    pages: dict[tuple[str, str], dict[int, tuple[float, int]]] = {}
    live: dict[str, dict[int, tuple[int, int]]] = {}
    loads: dict[int, str] = {}
    elements: dict[int, str] = {}
    for size in args.sizes:
        print(f"== {size:,} items ({database_url(server, size)})", flush=True)
        ensure_database(server, size)
        env = {
            **os.environ,
            "DATABASE_URL": database_url(server, size),
            "DB_STATEMENT_TIMEOUT": "0",  # generating and rebuilding take minutes
            "BENCH_DASHBOARD_ITEMS": str(size),
            "BENCH_DASHBOARD_MEETINGS": str(max(100, size // 100)),
            "BENCH_DASHBOARD_RUNS": str(args.runs),
            "BENCH_DASHBOARD_THEMES": "0",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        }
        output = run("bench_dashboard.py", [], env)
        for found in PAGE.finditer(output):
            cell = (float(found["p95"]), int(found["queries"]))
            pages.setdefault((found["case"], found["what"]), {})[size] = cell
        if found := ELEMENTS.search(output):
            elements[size] = found["n"]
        if found := LOAD.search(output):
            loads[size] = found["load"].strip()
        floor = os.environ.get("BENCH_SCALE_FLOOR") == "1" or size <= 1_000_000
        live_env = {**env, "BENCH_LIVE_FLOOR": "1" if floor else "0"}
        output = run(
            "bench_live.py", ["--items", str(size), "--rounds", str(args.rounds)], live_env
        )
        for found in LIVE.finditer(output):
            live.setdefault(found["what"], {})[size] = (int(found["p50"]), int(found["p95"]))

    sizes = args.sizes
    head = "".join(f"{label(s):>16}" for s in sizes)
    print("\n== The dashboard by size: p95 ms / queries")
    print(f"{'case':58}{head}")
    for (case, what), by_size in pages.items():
        cells = "".join(
            f"{f'{by_size[s][0]:.1f} / {by_size[s][1]}':>16}" if s in by_size else f"{'—':>16}"
            for s in sizes
        )
        print(f"{f'{case} ({what})':58}{cells}")
    print("\n== Capture to dashboard (incremental): p50 / p95 ms")
    for what, by_size in live.items():
        cells = "".join(
            f"{f'{by_size[s][0]} / {by_size[s][1]}':>16}" if s in by_size else f"{'—':>16}"
            for s in sizes
        )
        print(f"{what:58}{cells}")
    print(f"\n{'dashboard elements (unfiltered page)':58}", end="")
    print("".join(f"{elements.get(s, '—'):>16}" for s in sizes))
    print(f"{'load average after the page runs':58}", end="")
    print("".join(f"{loads.get(s, '—'):>16}" for s in sizes))


if __name__ == "__main__":
    main()
