import shutil
import subprocess
import time

import pytest

from tests.services import free_port, missing
from tests.smtpsink import SmtpSink


@pytest.fixture
def mail_sink(tmp_path, settings, monkeypatch):
    """A file every worker started after this appends its sent mails to (tests.mailsink)."""
    path = tmp_path / "sink.jsonl"
    monkeypatch.setenv("MAIL_SINK_PATH", str(path))
    monkeypatch.setenv("EMAIL_BACKEND", "tests.mailsink.FileSinkBackend")
    monkeypatch.delenv("EMAIL_URL", raising=False)
    settings.EMAIL_BACKEND = "tests.mailsink.FileSinkBackend"
    return path


@pytest.fixture
def sink(tmp_path, settings):
    """A real SMTP server (tests/smtpsink.py) this process's mail goes to; it records
    what it accepted and answers Mailpit's search by Message-ID at `sink.api_url`."""
    sink = SmtpSink(tmp_path / "smtp.jsonl").start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield sink
    sink.stop()


@pytest.fixture
def flaky_sink(mail_sink, monkeypatch):
    """The sink refuses each mail's first two attempts; retries wait 1 s, 2 s, ..."""
    monkeypatch.setenv("EMAIL_BACKEND", "tests.mailsink.FlakySinkBackend")
    monkeypatch.setenv("MAIL_SINK_FAIL_FIRST", "2")
    monkeypatch.setenv("OUTBOX_RETRY_BASE_SECONDS", "1")
    return mail_sink


@pytest.fixture
def flaky_worker(flaky_sink, celery_worker):
    return celery_worker


@pytest.fixture
def sink_worker(mail_sink, celery_worker):
    """A real Celery worker whose mail goes to `mail_sink`."""
    return celery_worker


class OwnRedis:
    """A redis-server of the test's own on a free port, which the test may stop."""

    def __init__(self, tmp_path):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.dir = tmp_path
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "OwnRedis":
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
                return self
            except redis.RedisError:
                time.sleep(0.1)
        raise RuntimeError("own redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    if not shutil.which("redis-server"):
        missing("redis-server is not installed: cannot run a broker of the test's own")
    server = OwnRedis(tmp_path).start()
    try:
        yield server
    finally:
        server.stop()


def use_broker(url: str) -> None:
    """Point this process's Celery app at another broker."""
    from config.celery import app

    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture(autouse=True)
def _roomy_guest_rate_limits(settings):
    # These tests open guests' links many times from one address; the limits themselves
    # are tested in test_views (own addresses) and tests/security.
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "rsvp": {"rate": "10000/h", "key": "ip"},
        "guest_link": {"rate": "10000/h", "key": "ip"},
    }
