import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail as django_mail
from django.utils import timezone

from customers.models import Contact
from outbox.models import OutboxMail
from outbox.services import (
    outbox_deliver,
    outbox_dispatch_due,
    outbox_enqueue,
    outbox_opt_out,
    outbox_retry,
)
from tests.factories import ContactFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def enqueue(key="k1", **kwargs):
    params = {
        "kind": OutboxMail.Kind.INVITATION,
        "recipient": "guest@customer.example",
        "subject": "Invitation",
        "text_body": "Hello",
        "delivery_key": key,
    }
    params.update(kwargs)
    return outbox_enqueue(**params)


def test_mail_goes_out_once_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        mail = enqueue(html_body="<p>Hello</p>", attachments=[("a.ics", b"BEGIN", "text/calendar")])
        assert django_mail.outbox == []  # nothing leaves inside the transaction
    for callback in callbacks:
        callback()
    mail.refresh_from_db()
    assert mail.status == OutboxMail.Status.SENT
    assert mail.sent_at is not None
    assert len(django_mail.outbox) == 1
    sent = django_mail.outbox[0]
    assert sent.to == ["guest@customer.example"]
    assert sent.alternatives[0][1] == "text/html"
    assert sent.attachments[0][0] == "a.ics"


def test_same_delivery_key_twice_returns_the_first_mail_and_sends_once(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue()
    with django_capture_on_commit_callbacks(execute=True):
        second = enqueue(subject="Something else")
    assert first.pk == second.pk
    assert OutboxMail.objects.count() == 1
    assert len(django_mail.outbox) == 1


def test_task_run_twice_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail = enqueue()
    assert outbox_deliver(mail_id=mail.pk).outcome == "ignored"
    assert len(django_mail.outbox) == 1


def test_scheduled_mail_waits_for_the_poller(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail = enqueue(due_at=timezone.now() + timedelta(days=2))
    assert django_mail.outbox == []
    assert outbox_deliver(mail_id=mail.pk).outcome == "ignored"  # an early task does nothing
    OutboxMail.objects.filter(pk=mail.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_dispatch_due() == 1
    assert len(django_mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_dispatch_due() == 0


def test_poller_resends_mail_whose_worker_died_while_sending(django_capture_on_commit_callbacks):
    mail = enqueue()  # on_commit not run: the broker message was lost
    OutboxMail.objects.filter(pk=mail.pk).update(
        status=OutboxMail.Status.SENDING, claimed_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_dispatch_due() == 0  # its lease runs: the worker may still be at it
    with (
        time_machine.travel(timezone.now() + timedelta(hours=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert outbox_dispatch_due() == 1
    mail.refresh_from_db()
    assert mail.status == OutboxMail.Status.SENT
    assert len(django_mail.outbox) == 1


class FlakyBackend:
    calls = 0
    error: Exception = smtplib.SMTPServerDisconnected("connection lost")

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        type(self).calls += 1
        raise type(self).error


def test_retry_after_network_error_creates_no_duplicate(settings):
    settings.EMAIL_BACKEND = "tests.outbox.test_services.FlakyBackend"
    FlakyBackend.calls = 0
    mail = enqueue()
    result = outbox_deliver(mail_id=mail.pk)
    assert result.outcome == "retry"
    assert result.retry_in == 60
    mail.refresh_from_db()
    assert mail.status == OutboxMail.Status.QUEUED
    assert "connection lost" in mail.last_error
    assert mail.due_at > timezone.now()
    # The backoff doubles with each attempt.
    OutboxMail.objects.filter(pk=mail.pk).update(due_at=None)
    assert outbox_deliver(mail_id=mail.pk).retry_in == 120
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxMail.objects.filter(pk=mail.pk).update(due_at=None)
    assert outbox_deliver(mail_id=mail.pk).outcome == "sent"
    assert outbox_deliver(mail_id=mail.pk).outcome == "ignored"
    assert len(django_mail.outbox) == 1
    mail.refresh_from_db()
    assert mail.attempts == 3


def test_transient_errors_give_up_after_the_attempt_limit(settings):
    settings.EMAIL_BACKEND = "tests.outbox.test_services.FlakyBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 3
    mail = enqueue()
    outcomes = []
    for _ in range(4):
        OutboxMail.objects.filter(pk=mail.pk).update(due_at=None)
        outcomes.append(outbox_deliver(mail_id=mail.pk).outcome)
    assert outcomes == ["retry", "retry", "failed", "ignored"]
    mail.refresh_from_db()
    assert mail.status == OutboxMail.Status.FAILED
    assert "connection lost" in mail.last_error


def test_refused_recipient_fails_at_once(settings):
    settings.EMAIL_BACKEND = "tests.outbox.test_services.FlakyBackend"
    FlakyBackend.error = smtplib.SMTPRecipientsRefused({"x@y": (550, b"no such user")})
    try:
        mail = enqueue()
        assert outbox_deliver(mail_id=mail.pk).outcome == "failed"
    finally:
        FlakyBackend.error = smtplib.SMTPServerDisconnected("connection lost")
    mail.refresh_from_db()
    assert mail.status == OutboxMail.Status.FAILED
    assert mail.attempts == 1


def test_retry_requeues_failed_mail_but_never_a_sent_one(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = enqueue("sent")
        failed = enqueue("failed", due_at=timezone.now() + timedelta(days=1))
    OutboxMail.objects.filter(pk=failed.pk).update(status=OutboxMail.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_retry(mail=sent) is False
        assert outbox_retry(mail=failed) is True
    assert len(django_mail.outbox) == 2
    failed.refresh_from_db()
    assert failed.status == OutboxMail.Status.SENT


def test_opt_out_withdraws_queued_non_essential_mail_at_once(django_capture_on_commit_callbacks):
    contact = ContactFactory(email="guest@customer.example")
    meeting = MeetingFactory()
    later = timezone.now() + timedelta(days=3)
    reminder = enqueue("r", kind=OutboxMail.Kind.REMINDER, meeting=meeting, due_at=later)
    update = enqueue("u", kind=OutboxMail.Kind.UPDATE, meeting=meeting, due_at=later)
    outbox_opt_out(email="Guest@Customer.example")
    contact.refresh_from_db()
    assert contact.opted_out_at is not None
    reminder.refresh_from_db()
    update.refresh_from_db()
    assert reminder.status == OutboxMail.Status.SKIPPED
    assert update.status == OutboxMail.Status.QUEUED


def test_opted_out_contact_gets_no_follow_up_even_if_queued_before(
    django_capture_on_commit_callbacks,
):
    ContactFactory(email="guest@customer.example")
    mail = enqueue("f", kind=OutboxMail.Kind.FOLLOW_UP)  # queued, task not run yet
    Contact.objects.update(opted_out_at=timezone.now())
    assert outbox_deliver(mail_id=mail.pk).outcome == "skipped"
    assert django_mail.outbox == []


def test_non_essential_mail_carries_an_opt_out_link(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue("t", kind=OutboxMail.Kind.THANK_YOU, html_body="<p>Thanks</p>")
        enqueue("i", kind=OutboxMail.Kind.INVITATION, html_body="<p>Come</p>")
    thanks, invitation = django_mail.outbox
    assert "/outbox/opt-out/" in thanks.body
    assert "/outbox/opt-out/" in thanks.alternatives[0][0]
    assert "List-Unsubscribe" in thanks.extra_headers
    assert "/outbox/opt-out/" not in invitation.body


def test_dispatch_command_sends_due_mail(django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    mail = enqueue("cmd", due_at=timezone.now() + timedelta(days=1))
    OutboxMail.objects.filter(pk=mail.pk).update(due_at=timezone.now())
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("outbox_dispatch", stdout=out)
    assert "1 mail(s)" in out.getvalue()
    assert len(django_mail.outbox) == 1


class ProcessDied(BaseException):
    """Stands for SIGKILL: nothing after it runs, no except clause catches it."""


class DiesAfterServerAccepts:
    """The server accepted the mail; the process dies before the commit."""

    accepted: list = []
    die = True

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        type(self).accepted.extend(messages)
        if type(self).die:
            type(self).die = False
            raise ProcessDied
        return len(messages)


def test_death_between_server_acceptance_and_commit_repeats_the_same_message(settings):
    # The one window no SMTP client can close (see docs/mail.md): the mail is not lost,
    # and the repeat is the same message, with the same Message-ID.
    settings.EMAIL_BACKEND = "tests.outbox.test_services.DiesAfterServerAccepts"
    DiesAfterServerAccepts.accepted = []
    DiesAfterServerAccepts.die = True
    mail = enqueue("window")
    with pytest.raises(ProcessDied):
        outbox_deliver(mail_id=mail.pk)
    mail.refresh_from_db()
    assert mail.status == OutboxMail.Status.SENDING  # the "sent" mark was rolled back
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        outbox_dispatch_due()  # the poller, once the lease is over: the worker is gone
        outbox_deliver(mail_id=mail.pk)
    mail.refresh_from_db()
    assert mail.status == OutboxMail.Status.SENT
    first, second = DiesAfterServerAccepts.accepted
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]


def test_the_poller_tries_the_broker_while_pages_leave_it_alone_and_ends_their_pause(
    django_capture_on_commit_callbacks,
):
    from outbox import handover

    mail = enqueue()
    # Its page's publish failed: the lease was dropped and this process paused publishing.
    OutboxMail.objects.filter(pk=mail.pk).update(claimed_until=None)
    handover._pause_publishing()
    try:
        assert handover.broker_paused()
        with django_capture_on_commit_callbacks(execute=True):
            assert outbox_dispatch_due() == 1
        assert not handover.broker_paused()  # the next page publishes at once again
        assert OutboxMail.objects.get(pk=mail.pk).status == OutboxMail.Status.SENT
    finally:
        handover.resume_publishing()
