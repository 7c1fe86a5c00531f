"""Erasing a contact withdraws their waiting mail and leaves no copy of their address."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail as django_mail
from django.urls import reverse
from django.utils import timezone

from customers.services import contact_erase
from outbox.models import OutboxMail
from outbox.services import ERASED_REASON, outbox_deliver, outbox_enqueue, outbox_retry
from tests.factories import ContactFactory, MeetingFactory

pytestmark = pytest.mark.django_db

ADA = "Ada Lovelace"
ADA_MAIL = "ada@customer.example"


def enqueue(key, recipient=ADA_MAIL, **kwargs):
    params = {
        "kind": OutboxMail.Kind.INVITATION,
        "recipient": recipient,
        "subject": f"Invitation for {ADA}",
        "text_body": f"Dear {ADA},",
        "html_body": f"<p>Dear {ADA},</p>",
        "attachments": [("invite.ics", f"ATTENDEE:mailto:{ADA_MAIL}".encode(), "text/calendar")],
        "delivery_key": key,
    }
    params.update(kwargs)
    return outbox_enqueue(**params)


@pytest.fixture
def ada():
    return ContactFactory(name=ADA, email=ADA_MAIL)


def test_erasure_withdraws_waiting_mail_and_scrubs_sent_mail(
    ada, django_capture_on_commit_callbacks, monkeypatch
):
    meeting = MeetingFactory()
    with django_capture_on_commit_callbacks(execute=True):
        sent = enqueue("invitation:ada", meeting=meeting)
    assert len(django_mail.outbox) == 1
    scheduled = enqueue(
        "reminder:ada",
        kind=OutboxMail.Kind.REMINDER,
        recipient="ADA@Customer.example",  # the address as typed elsewhere: same person
        due_at=timezone.now() + timedelta(days=3),
    )
    failing = enqueue("update:ada")

    def refuse(*args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({ADA_MAIL: (550, b"no such user")})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    outbox_deliver(mail_id=failing.pk)
    monkeypatch.undo()
    failing.refresh_from_db()
    assert failing.status == OutboxMail.Status.FAILED
    assert ADA_MAIL in failing.last_error
    other = enqueue("invitation:bo", recipient="bo@customer.example", subject="Invitation")

    contact_erase(contact=ada)

    for mail in (scheduled, failing):
        mail.refresh_from_db()
        assert mail.status == OutboxMail.Status.SKIPPED
        assert mail.last_error == ERASED_REASON
    sent.refresh_from_db()
    assert sent.status == OutboxMail.Status.SENT
    assert sent.delivery_key == "invitation:ada"  # still never sent twice
    assert sent.sent_at is not None
    for mail in (sent, scheduled, failing):
        mail.refresh_from_db()
        assert mail.recipient == ""
        assert (mail.text_body, mail.html_body, mail.attachments) == ("", "", [])
        for field in ("subject", "last_error"):
            assert ADA not in getattr(mail, field)
            assert ADA_MAIL not in getattr(mail, field).lower()
    assert sent.subject == "Invitation for [erased]"
    other.refresh_from_db()
    assert other.recipient == "bo@customer.example"
    assert other.status == OutboxMail.Status.QUEUED
    assert other.subject == "Invitation"

    # Nothing withdrawn goes out later: not by the task, not by retry, not again by key.
    django_mail.outbox.clear()
    assert outbox_deliver(mail_id=scheduled.pk).outcome == "ignored"
    assert outbox_retry(mail=failing) is False
    with django_capture_on_commit_callbacks(execute=True):
        again = enqueue("invitation:ada")
    assert again.pk == sent.pk
    assert django_mail.outbox == []


def test_outbox_page_shows_an_erased_contact_without_their_details(client, ada):
    from tests.factories import administrator

    mail = enqueue("invitation:ada", due_at=timezone.now() + timedelta(days=1))
    contact_erase(contact=ada)
    client.force_login(administrator())
    page = client.get(reverse("outbox:list")).content.decode()
    assert "Erased contact" in page
    assert ADA_MAIL not in page
    assert ADA not in page
    detail = client.get(reverse("outbox:detail", args=[mail.pk])).content.decode()
    assert "an erased contact" in detail
    assert ADA_MAIL not in detail
    assert ADA not in detail
    assert "erased at their request" in detail


def test_erasure_cuts_the_name_out_in_any_case_but_not_out_of_other_words(ada):
    mail = enqueue(
        "update:ada",
        subject="ADA LOVELACE: the Ada Lovelace Adamant review moved",
    )
    # Sent on a second try; the first refusal quoted the address in capitals.
    OutboxMail.objects.filter(pk=mail.pk).update(
        status=OutboxMail.Status.SENT, last_error=f"451 <{ADA_MAIL.upper()}> try later"
    )
    annual = enqueue(
        "invitation:ann",
        recipient="ann@customer.example",
        subject="Annual review with Ann",
    )

    contact_erase(contact=ada)

    mail.refresh_from_db()
    assert mail.subject == "[erased]: the [erased] Adamant review moved"
    assert mail.last_error == "451 <[erased]> try later"
    assert mail.status == OutboxMail.Status.SENT
    annual.refresh_from_db()
    assert annual.subject == "Annual review with Ann"  # someone else's mail is untouched
