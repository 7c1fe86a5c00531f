import os
import uuid

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM use.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.services import (  # noqa: E402
    CeleryWorker,
    chromium_path,
    database_env,
    flush_by_deleting,
    missing,
)
from tests.suite import (  # noqa: E402
    A11Y_REPORT,
    forget_cached_row_ids,
    screenshot_root,
    suite_settings,
)


def _a_redis_database_per_worker() -> None:
    """Under pytest-xdist each worker gets a Redis database of its own (the one REDIS_URL
    names, plus one plus the worker's number): `cache.clear()` is FLUSHDB, and a worker
    must not empty the cache, sessions and queues of another mid-test. Settings are
    loaded by now, the cache and broker not yet connected."""
    worker, url = os.environ.get("PYTEST_XDIST_WORKER", ""), os.environ.get("REDIS_URL", "")
    if not (worker.startswith("gw") and url.startswith("redis")):
        return
    from urllib.parse import urlsplit, urlunsplit

    from django.conf import settings

    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    mine = urlunsplit(parts._replace(path=f"/{base + 1 + int(worker[2:])}"))
    os.environ["REDIS_URL"] = mine
    settings.REDIS_URL = mine
    settings.CELERY_BROKER_URL = mine
    settings.CACHES["default"]["LOCATION"] = mine
    from config.celery import app

    app.conf.broker_url = mine


_a_redis_database_per_worker()
flush_by_deleting()


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        default=os.environ.get("TEST_CLOCK") or None,
        help=(
            "Run every test with the clock travelled to this instant (ISO 8601, ticking), "
            "e.g. 2026-03-29T00:30:00+00:00; also read from TEST_CLOCK."
        ),
    )


def pytest_configure(config):
    """With --clock, the whole run (each xdist worker too) starts at that instant and the
    clock ticks on from there: the suite must pass at any hour, on any day."""
    instant = config.getoption("--clock")
    if not instant:
        return
    import datetime as dt

    import time_machine

    moment = dt.datetime.fromisoformat(instant.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    config._travelled_clock = time_machine.travel(moment, tick=True)
    config._travelled_clock.start()


CHROMIUM_MISSING = "Chromium is not installed"


def pytest_terminal_summary(terminalreporter):
    """Say so, at the end, when browser tests did not run for want of Chromium."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if CHROMIUM_MISSING in str(getattr(report, "longrepr", ""))
    ]
    if skipped:
        terminalreporter.write_sep("=", "browser tests skipped", yellow=True)
        terminalreporter.write_line(
            f"{len(skipped)} browser tests were skipped: {CHROMIUM_MISSING}. "
            "Install Debian's chromium (`sudo apt-get install chromium`) or point "
            "CHROMIUM_PATH at a Chromium binary, then run `make test` again."
        )


_a11y_rows: list = []


def pytest_runtest_logreport(report):
    if report.when == "call":
        _a11y_rows.extend(value for key, value in report.user_properties if key == A11Y_REPORT)


def pytest_sessionfinish(session):
    """The every-page sweep's table, in page order, whichever xdist worker ran each page
    (the controller gets every worker's reports; a worker writes nothing)."""
    if _a11y_rows and not hasattr(session.config, "workerinput"):
        text = "\n".join(row for _number, row in sorted(_a11y_rows))
        (screenshot_root() / "a11y-report.txt").write_text(text + "\n", encoding="utf-8")


def _flushes(item) -> bool:
    """Whether the test ran on committed data, which pytest-django flushes after it."""
    if {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())):
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush (every table emptied), put the data
    migrations' rows back, whatever test comes next on this worker."""
    result = yield
    if _flushes(item):
        from pytest_django.plugin import blocking_manager_key

        from tests.services import restore_migration_data

        with item.config.stash[blocking_manager_key].unblock():
            restore_migration_data()
    return result


def pytest_report_header(config):
    instant = config.getoption("--clock")
    return f"clock travelled to {instant}" if instant else None


@pytest.fixture(autouse=True)
def _test_settings(settings):
    for name, value in suite_settings().items():
        setattr(settings, name, value)
    from config.celery import app

    app.conf.task_always_eager = True
    forget_cached_row_ids()
    # LocaleMiddleware leaves the last request's language active in the thread (a server
    # sets it afresh per request): every test starts in the site's default language.
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        missing("REDIS_URL is not set: no Redis to test against")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        missing(f"Redis at {url} does not answer: {exc}")
    return url


@pytest.fixture
def postgres(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        missing("DATABASE_URL does not point at PostgreSQL")
    return connection


@pytest.fixture
def celery_worker(transactional_db, redis_url, tmp_path, settings):
    """A real Celery worker process sharing this test's database and Redis.

    The test's own writes must be committed for the worker to see them, hence
    `transactional_db`. Tasks are sent through the broker, not run eagerly.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        missing("a real Celery worker needs the PostgreSQL test database (set DATABASE_URL)")
    from config.celery import app

    # A queue of this test's own, so that nothing else on the same Redis takes its tasks.
    queue = f"test-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    env = {
        **os.environ,
        **database_env(connection),
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    worker = CeleryWorker(env, tmp_path / "worker.log", queues=queue).start()
    try:
        yield worker
    finally:
        worker.stop()
        app.conf.task_always_eager = True
        app.conf.task_default_queue = "celery"


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        missing(f"{CHROMIUM_MISSING} (apt-get install chromium, or set CHROMIUM_PATH)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot_dir():
    return screenshot_root()
