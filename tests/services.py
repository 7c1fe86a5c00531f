"""Helpers for tests that need real services (PostgreSQL, Redis, a Celery worker, Chromium).

Without the service they skip with a reason; with REQUIRE_SERVICES=1 (CI) they fail.
"""

import functools
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def missing(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM_PATH"),
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def database_env(connection) -> dict[str, str]:
    """Environment that points a child process at the test database in use."""
    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        return {}
    user = settings.get("USER") or "postgres"
    password = settings.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return {"DATABASE_URL": f"postgres://{auth}{host}:{port}/{settings['NAME']}"}


class CeleryWorker:
    """A real `celery worker` process against REDIS_URL and the test database."""

    def __init__(
        self, env: dict[str, str], log_path: Path, queues: str = "celery", concurrency: int = 2
    ):
        self.env = env
        self.log_path = log_path
        self.queues = queues
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None
        self._log_offset = 0

    def start(self) -> "CeleryWorker":
        # A restarted worker appends to the same log: look for "ready." after this point.
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the child's lifetime
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=prefork",
                f"--concurrency={self.concurrency}",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-Q",
                self.queues,
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited: {self.log_path.read_text()[-2000:]}")
            if b"ready." in self.log_path.read_bytes()[self._log_offset :]:
                return
            time.sleep(0.2)
        raise RuntimeError(f"celery worker not ready: {self.log_path.read_text()[-2000:]}")

    # The worker's log lines (--loglevel=INFO) for a task taken, and for each way it ends.
    _TAKEN = re.compile(rb"^.*Task \S+\[\S+\] received$", re.MULTILINE)
    _ENDED = re.compile(
        rb"^.*Task \S+\[\S+\] (succeeded in|raised |retry:|ignored|INTERNAL ERROR)", re.MULTILINE
    )

    def wait_until_idle(self, timeout: float = 30) -> None:
        """Until the worker's queues are empty and every task it took has ended: what was
        published before has done all it will do (a retry is taken again, and counted)."""
        import redis

        broker = redis.Redis.from_url(self.env["REDIS_URL"])
        deadline = time.monotonic() + timeout
        idle_checks = 0
        while time.monotonic() < deadline:
            log = self.log_path.read_bytes()[self._log_offset :]
            waiting = sum(broker.llen(queue) for queue in self.queues.split(","))
            busy = len(self._TAKEN.findall(log)) - len(self._ENDED.findall(log))
            # Twice in a row: a message just popped from the queue is logged a moment later.
            idle_checks = idle_checks + 1 if waiting == 0 and busy == 0 else 0
            if idle_checks == 2:
                return
            time.sleep(0.1)
        raise AssertionError(f"celery worker still busy: {self.log_path.read_text()[-2000:]}")

    def kill(self, sig: int) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        import signal

        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def project_app_configs() -> list:
    """The project's own Django apps (not Django's nor a library's, even when the
    virtualenv lives inside the project folder, as `make` puts it)."""
    from django.apps import apps

    installed = Path(sys.prefix).resolve()
    return [
        config
        for config in apps.get_app_configs()
        if ROOT in Path(config.path).resolve().parents
        and installed not in Path(config.path).resolve().parents
    ]


def flush_by_deleting() -> None:
    """After each transactional test Django empties every table (`flush`). On PostgreSQL
    it does so with one TRUNCATE of all of them, which gives each of the ~60 tables and
    their indexes new files: 1 to 2.5 s per test on a CI machine, where a DELETE of the
    few rows a test leaves takes 0.03 s. Tests flush by deleting, as Django does on
    SQLite: Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so the order does not
    matter; sequences are left alone, as TRUNCATE without RESTART IDENTITY leaves them."""
    from django.conf import settings

    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        return
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or allow_cascade:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        delete = style.SQL_KEYWORD("DELETE FROM")
        return [
            "SET CONSTRAINTS ALL DEFERRED;",
            *(f"{delete} {style.SQL_FIELD(self.quote_name(table))};" for table in tables),
        ]

    DatabaseOperations.sql_flush = sql_flush


def restore_migration_data() -> None:
    """Run the project's data migrations again (each is idempotent: get_or_create).

    A transactional test ends with Django's flush, which empties every table, the rows
    the data migrations wrote included (roles, journey stages, the default agenda and
    question bank). In a random order the next test on the same worker would find them
    missing, so they are put back after every such test.
    """
    from django.apps import apps
    from django.db import DEFAULT_DB_ALIAS, connections

    connection = connections[DEFAULT_DB_ALIAS]
    with connection.schema_editor() as editor:
        for forwards in _data_migrations():
            forwards(apps, editor)


@functools.cache
def _data_migrations() -> tuple:
    """The project's RunPython forwards functions, in the order the migrations run
    (read once per process: the migration graph does not change during a run)."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    project = {config.label for config in project_app_configs()}
    graph = MigrationLoader(connections[DEFAULT_DB_ALIAS], ignore_no_migrations=True).graph
    ordered: list[tuple[str, str]] = []
    for leaf in graph.leaf_nodes():
        ordered += [key for key in graph.forwards_plan(leaf) if key not in ordered]
    return tuple(
        operation.code
        for key in ordered
        if key[0] in project
        for operation in graph.nodes[key].operations
        if isinstance(operation, RunPython)
    )
