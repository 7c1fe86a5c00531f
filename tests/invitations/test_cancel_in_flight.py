"""Cancelling while an invitation is on its way: the guest is never left with only the invitation.

An invitation in "sending" is either being sent by a worker right now (the worker holds
its row lock) or was claimed by a worker that died before sending it. The first must be
answered by a cancellation once it has gone; the second must be withdrawn, so that the
poller does not send it after the cancellation.
"""

import threading

import pytest
from django.core import mail as django_mail
from django.db import connection, connections

from invitations.services import invitation_send, meeting_cancel
from meetings.models import Meeting
from outbox.models import OutboxMail
from outbox.services import outbox_deliver
from tests.factories import BookingFactory, ContactFactory, MeetingFactory
from tests.services import missing


def book_two(meeting):
    return [
        BookingFactory(meeting=meeting, contact=ContactFactory(name=name, email=email))
        for name, email in (
            ("Ada Guest", "ada@customer.example"),
            ("Bo Guest", "bo@customer.example"),
        )
    ]


def invitation_row(booking) -> OutboxMail:
    return OutboxMail.objects.get(kind=OutboxMail.Kind.INVITATION, render_args__booking=booking.pk)


@pytest.mark.django_db
def test_an_invitation_claimed_by_a_dead_worker_is_withdrawn_not_cancelled(
    django_capture_on_commit_callbacks, monkeypatch
):
    meeting = MeetingFactory(agenda=True)
    sent_to, claimed_for = book_two(meeting)
    with monkeypatch.context() as patch, django_capture_on_commit_callbacks(execute=True):
        patch.setattr("outbox.handover.publish_batches", lambda *args, **kwargs: 0)
        invitation_send(meeting=meeting, user=meeting.owner)  # queued, the broker lost it
    outbox_deliver(mail_id=invitation_row(sent_to).pk)
    # A worker claimed Bo's invitation, then died before sending it.
    OutboxMail.objects.filter(pk=invitation_row(claimed_for).pk).update(
        status=OutboxMail.Status.SENDING, attempts=1
    )
    django_mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, user=meeting.owner)

    stuck = invitation_row(claimed_for)
    assert stuck.status == OutboxMail.Status.SKIPPED
    assert stuck.last_error == "The meeting was cancelled."
    assert outbox_deliver(mail_id=stuck.pk).outcome == "ignored"  # the poller's retry
    assert [m.to for m in django_mail.outbox] == [["ada@customer.example"]]
    assert django_mail.outbox[0].subject.startswith("Cancelled:")


@pytest.mark.django_db(transaction=True)
def test_an_invitation_being_sent_during_the_cancellation_is_followed_by_a_cancellation(
    monkeypatch,
):
    if connection.vendor != "postgresql":
        missing("row locks between two connections need PostgreSQL (set DATABASE_URL)")
    # Mail is handed to the worker by hand below, not on commit.
    monkeypatch.setattr("outbox.handover.publish_batches", lambda *args, **kwargs: 0)
    meeting = MeetingFactory(agenda=True)
    booking, _queued = book_two(meeting)
    invitation_send(meeting=meeting, user=meeting.owner)
    mail_id = invitation_row(booking).pk

    in_smtp = threading.Event()
    release = threading.Event()
    real_send = django_mail.EmailMessage.send

    def slow_send(message, *args, **kwargs):
        # The mail server is accepting the invitation while the leader cancels.
        if message.subject.startswith("Invitation"):
            in_smtp.set()
            assert release.wait(10)
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(django_mail.EmailMessage, "send", slow_send)
    outcome = {}

    def worker():
        try:
            outcome["delivery"] = outbox_deliver(mail_id=mail_id).outcome
        finally:
            connections.close_all()

    def leader():
        try:
            outcome["cancelled"] = meeting_cancel(meeting=meeting, user=meeting.owner)
        finally:
            connections.close_all()

    sending = threading.Thread(target=worker)
    sending.start()
    assert in_smtp.wait(10)
    cancelling = threading.Thread(target=leader)
    cancelling.start()
    cancelling.join(0.5)
    assert cancelling.is_alive(), "the cancellation must wait for the invitation in flight"
    release.set()
    sending.join(10)
    cancelling.join(10)

    assert outcome["delivery"] == "sent"
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert invitation_row(booking).status == OutboxMail.Status.SENT
    cancellations = OutboxMail.objects.filter(
        meeting=meeting, kind=OutboxMail.Kind.CANCELLATION, render_args__booking=booking.pk
    )
    assert cancellations.count() == 1
    assert outcome["cancelled"] == 1
