"""The embedded default (`make run`, no REDIS_URL) sends scheduled mail by itself."""

import io
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail as django_mail
from django.core.mail import EmailMultiAlternatives

from outbox.console import EmailBackend as ConsoleBackend
from outbox.embedded import EmbeddedBeat, should_start
from outbox.models import OutboxMail
from outbox.services import outbox_enqueue

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))


def test_only_runserver_in_embedded_mode_starts_the_thread(settings, monkeypatch):
    settings.OUTBOX_EMBEDDED_POLLER = True
    monkeypatch.setenv("RUN_MAIN", "true")
    assert should_start(["manage.py", "runserver", "127.0.0.1:8000"])
    assert not should_start(["pytest", "tests"])
    assert not should_start(["manage.py", "migrate"])
    monkeypatch.delenv("RUN_MAIN")
    assert not should_start(["manage.py", "runserver"])  # the autoreloader's watcher
    assert should_start(["manage.py", "runserver", "--noreload"])
    settings.OUTBOX_EMBEDDED_POLLER = False  # REDIS_URL set: celery beat does it
    assert not should_start(["manage.py", "runserver", "--noreload"])


def wait_for(condition, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_reminder_that_falls_due_while_make_run_serves_is_sent_by_itself(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(NOW, tick=True) as traveller:
        reminder = outbox_enqueue(
            kind=OutboxMail.Kind.REMINDER,
            recipient="guest@customer.example",
            subject="Reminder: Autumn leadership",
            text_body="See you tomorrow.",
            delivery_key="embedded:reminder",
            due_at=NOW + timedelta(hours=1),
        )
        beat = EmbeddedBeat(tick=0.05).start()
        try:
            time.sleep(0.5)  # several ticks: not due yet, nothing leaves
            assert django_mail.outbox == []
            traveller.shift(timedelta(hours=1, minutes=1))  # the server keeps running
            assert wait_for(lambda: len(django_mail.outbox) == 1)
        finally:
            beat.stop()
    reminder.refresh_from_db()
    assert reminder.status == OutboxMail.Status.SENT
    assert django_mail.outbox[0].to == ["guest@customer.example"]


def test_the_console_shows_each_mail_as_one_readable_block():
    stream = io.StringIO()
    message = EmailMultiAlternatives(
        "Invitation: Autumn leadership",
        "Dear Ada, do join us.",
        "Open Chair <open-chair@localhost>",
        ["ada@customer.example"],
        headers={"Message-ID": "<abc@localhost>"},
    )
    message.attach_alternative("<p>Dear Ada</p>", "text/html")
    message.attach("invite.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    assert ConsoleBackend(stream=stream).send_messages([message]) == 1
    printed = stream.getvalue()
    assert "To: ada@customer.example" in printed
    assert "Subject: Invitation: Autumn leadership" in printed
    assert "Dear Ada, do join us." in printed
    assert "[attachment: invite.ics, text/calendar, 32 bytes]" in printed
    assert "BEGIN:VCALENDAR" not in printed
    assert "base64" not in printed


def test_the_app_starts_the_embedded_beat_when_should_start_says_so(monkeypatch):
    from django.apps import apps

    from outbox import embedded

    started = []
    monkeypatch.setattr(embedded, "should_start", lambda: True)
    monkeypatch.setattr(embedded, "_started", None)
    monkeypatch.setattr(embedded.EmbeddedBeat, "start", lambda beat: started.append(beat) or beat)
    apps.get_app_config("outbox").ready()
    assert len(started) == 1
