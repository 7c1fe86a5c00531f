"""The provider's acceptance check: a mail an earlier attempt may have delivered is asked
about first, and marked sent without a second copy when the provider accepted it; any
failure of the check sends it again, as without one (outbox/acceptance.py)."""

import base64
import json
import logging
import smtplib
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.core import mail as django_mail
from django.utils import timezone

from outbox.acceptance import CONFIRMED_BY_PROVIDER, accepted_by_provider, mailpit
from outbox.mail import message_id
from outbox.models import OutboxMail
from outbox.services import (
    outbox_deliver,
    outbox_deliver_batch,
    outbox_dispatch_due,
    outbox_enqueue,
)
from outbox.transactions import _PostgresTransaction, _Transaction
from tests.services import free_port

pytestmark = pytest.mark.django_db

FAKE_CHECK = "tests.outbox.test_acceptance.fake_check"
provider = {"accepted": set(), "asked": [], "error": None}


def fake_check(message_ids):
    """A provider that knows `provider["accepted"]`, or fails with `provider["error"]`."""
    provider["asked"].append(list(message_ids))
    if provider["error"] is not None:
        raise provider["error"]
    return [mid for mid in message_ids if mid in provider["accepted"]]


@pytest.fixture(autouse=True)
def _fresh_provider():
    provider.update(accepted=set(), asked=[], error=None)


def queue(key="doubt:1", **kwargs) -> OutboxMail:
    return outbox_enqueue(
        kind=OutboxMail.Kind.INVITATION,
        recipient="guest@customer.example",
        subject="Invitation",
        text_body="Hello",
        delivery_key=key,
        **kwargs,
    )


def left_sending(mail: OutboxMail) -> None:
    """As a worker killed mid-send leaves it: claimed ("sending", the attempt counted),
    no outcome recorded."""
    OutboxMail.objects.filter(pk=mail.pk).update(status=OutboxMail.Status.SENDING, attempts=1)


# --- the Mailpit check -----------------------------------------------------------------


class _Answer(BaseHTTPRequestHandler):
    status = 200
    body = b"{}"
    seen: list = []

    def do_GET(self):  # noqa: N802 - http.server's name
        type(self).seen.append((self.path, self.headers.get("Authorization")))
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def answering():
    """An HTTP server of the test's own that answers every request with `_Answer`'s."""
    _Answer.status, _Answer.body, _Answer.seen = 200, b"{}", []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_mailpit_check_names_only_the_message_ids_the_server_accepted(sink, settings):
    settings.MAILPIT_URL = sink.api_url
    accepted, other = queue("doubt:accepted"), queue("doubt:other")
    outbox_deliver(mail_id=accepted.pk)
    asked = [message_id(accepted), message_id(other), message_id(accepted).upper()]
    assert mailpit(asked) == {message_id(accepted), message_id(accepted).upper()}
    assert mailpit([]) == set()


def test_mailpit_check_wants_the_exact_message_id_not_a_part_of_it(answering, settings):
    settings.MAILPIT_URL = answering + "/mailpit/"  # Mailpit under a web root
    _Answer.body = json.dumps(
        {"messages_count": 1, "messages": [{"MessageID": "x-abc@example.org"}]}
    ).encode()
    assert mailpit(["<abc@example.org>"]) == set()  # Mailpit's filter matches a part
    path, _auth = _Answer.seen[0]
    assert path == "/mailpit/api/v1/search?query=message-id%3Aabc%40example.org&limit=50"


def test_mailpit_check_sends_the_basic_authentication_of_its_url(answering, settings):
    settings.MAILPIT_URL = answering.replace("http://", "http://ops:s%3Acret@")
    _Answer.body = json.dumps(
        {"messages_count": 1, "messages": [{"MessageID": "abc@example.org"}]}
    ).encode()
    assert mailpit(["<abc@example.org>"]) == {"<abc@example.org>"}
    _path, auth = _Answer.seen[0]
    assert auth == "Basic " + base64.b64encode(b"ops:s:cret").decode()


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, b'{"error": "database is locked"}'),
        (200, b"<html>a proxy's page</html>"),
        (200, b'{"messages": []}'),  # no messages_count: not Mailpit's answer
    ],
)
def test_a_mailpit_answer_that_says_nothing_sends_the_mail_again(
    answering, settings, caplog, status, body
):
    settings.OUTBOX_ACCEPTANCE_CHECK = "outbox.acceptance.mailpit"
    settings.MAILPIT_URL = answering
    _Answer.status, _Answer.body = status, body
    mail = queue()
    left_sending(mail)
    with caplog.at_level(logging.WARNING, logger="outbox.acceptance"):
        assert outbox_deliver(mail_id=mail.pk).outcome == "sent"
    assert len(django_mail.outbox) == 1  # sent again: a duplicate rather than a lost mail
    assert "could not ask the mail provider" in caplog.text
    assert _Answer.seen  # it did ask


def test_mailpit_that_never_answers_costs_the_timeout_then_the_mail_goes(settings, caplog):
    with socket.socket() as silent:  # accepts connections (the backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.OUTBOX_ACCEPTANCE_CHECK = "outbox.acceptance.mailpit"
        settings.MAILPIT_URL = f"http://127.0.0.1:{silent.getsockname()[1]}"
        settings.OUTBOX_ACCEPTANCE_CHECK_TIMEOUT = 0.2
        with pytest.raises(TimeoutError):
            mailpit(["<abc@example.org>"])
        mail = queue()
        left_sending(mail)
        with caplog.at_level(logging.WARNING, logger="outbox.acceptance"):
            assert outbox_deliver(mail_id=mail.pk).outcome == "sent"
    assert len(django_mail.outbox) == 1
    assert "TimeoutError" in caplog.text


def test_mailpit_not_running_or_not_configured_sends_the_mail_again(settings):
    settings.OUTBOX_ACCEPTANCE_CHECK = "outbox.acceptance.mailpit"
    settings.MAILPIT_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens
    first = queue("doubt:refused")
    left_sending(first)
    assert accepted_by_provider(first) is False
    settings.MAILPIT_URL = ""
    assert accepted_by_provider(first) is False
    settings.MAILPIT_URL = "file:///etc/passwd"  # only http(s)
    assert accepted_by_provider(first) is False
    assert outbox_deliver(mail_id=first.pk).outcome == "sent"
    assert len(django_mail.outbox) == 1


# --- delivery with a check -------------------------------------------------------------


def test_mail_in_doubt_that_the_provider_accepted_is_marked_sent_not_sent_again(settings):
    settings.OUTBOX_ACCEPTANCE_CHECK = FAKE_CHECK
    mail = queue()
    left_sending(mail)
    provider["accepted"] = {message_id(mail)}
    assert outbox_deliver(mail_id=mail.pk).outcome == "confirmed"
    assert django_mail.outbox == []
    mail.refresh_from_db()
    assert mail.status == OutboxMail.Status.SENT
    assert mail.sent_at is not None
    assert mail.last_error == CONFIRMED_BY_PROVIDER
    assert mail.in_doubt
    assert provider["asked"] == [[message_id(mail)]]
    assert outbox_deliver(mail_id=mail.pk).outcome == "ignored"  # and stays sent


def test_mail_in_doubt_that_the_provider_did_not_accept_is_sent(settings):
    settings.OUTBOX_ACCEPTANCE_CHECK = FAKE_CHECK
    mail = queue()
    left_sending(mail)
    assert outbox_deliver(mail_id=mail.pk).outcome == "sent"
    assert [m.extra_headers["Message-ID"] for m in django_mail.outbox] == [message_id(mail)]
    assert provider["asked"] == [[message_id(mail)]]


def test_a_failing_check_sends_the_mail_again(settings, caplog):
    settings.OUTBOX_ACCEPTANCE_CHECK = FAKE_CHECK
    provider["error"] = ConnectionResetError("the provider hung up")
    mail = queue()
    left_sending(mail)
    with caplog.at_level(logging.WARNING, logger="outbox.acceptance"):
        assert outbox_deliver(mail_id=mail.pk).outcome == "sent"
    assert len(django_mail.outbox) == 1
    assert "the provider hung up" in caplog.text


def test_mail_never_tried_is_never_checked(settings):
    settings.OUTBOX_ACCEPTANCE_CHECK = FAKE_CHECK
    mails = [queue(f"fresh:{i}") for i in range(3)]
    for mail in mails:
        provider["accepted"].add(message_id(mail))  # were it asked, it would say "accepted"
    first = outbox_deliver(mail_id=mails[0].pk)
    batch = outbox_deliver_batch(mail_ids=[m.pk for m in mails[1:]], lease=None)
    assert first.outcome == "sent"
    assert {r.outcome for r in batch.outcomes.values()} == {"sent"}
    assert provider["asked"] == []
    assert len(django_mail.outbox) == 3
    assert not OutboxMail.objects.filter(in_doubt=True).exists()


def test_without_a_check_a_mail_in_doubt_is_sent_again_as_before(settings):
    settings.OUTBOX_ACCEPTANCE_CHECK = None
    mail = queue()
    left_sending(mail)
    assert outbox_deliver(mail_id=mail.pk).outcome == "sent"
    assert len(django_mail.outbox) == 1
    mail.refresh_from_db()
    assert mail.in_doubt  # recorded all the same: a check configured later would ask


class _DropsAfterData:
    """A server that takes the mail and hangs up before answering the DATA."""

    received: list = []

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        type(self).received.extend(messages)
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class _RefusesData(_DropsAfterData):
    def send_messages(self, messages):
        raise smtplib.SMTPDataError(451, b"Try again later")


def test_a_connection_dropped_mid_send_is_in_doubt_and_checked_before_the_retry(settings):
    settings.OUTBOX_ACCEPTANCE_CHECK = FAKE_CHECK
    settings.EMAIL_BACKEND = "tests.outbox.test_acceptance._DropsAfterData"
    _DropsAfterData.received = []
    mail = queue()
    assert outbox_deliver(mail_id=mail.pk).outcome == "retry"
    mail.refresh_from_db()
    assert (mail.status, mail.in_doubt) == (OutboxMail.Status.QUEUED, True)
    provider["accepted"] = {m.extra_headers["Message-ID"] for m in _DropsAfterData.received}
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert outbox_deliver(mail_id=mail.pk).outcome == "confirmed"
    assert len(_DropsAfterData.received) == 1


def test_a_server_that_refused_the_mail_leaves_it_out_of_doubt(settings):
    settings.OUTBOX_ACCEPTANCE_CHECK = FAKE_CHECK
    settings.EMAIL_BACKEND = "tests.outbox.test_acceptance._RefusesData"
    mail = queue()
    assert outbox_deliver(mail_id=mail.pk).outcome == "retry"
    mail.refresh_from_db()
    assert not mail.in_doubt  # the server answered: it did not accept it


# --- a worker's death, the real SMTP server and its Mailpit search ---------------------


class ProcessDied(BaseException):
    """Stands for SIGKILL: nothing after it runs, no except clause catches it."""


@pytest.fixture
def dies_once_after_acceptance(monkeypatch):
    """The worker dies after the server accepted the mail, before the commit."""
    died = []

    def accepted(self):
        if not died:
            died.append(True)
            raise ProcessDied
        return real[type(self)](self)

    real = {cls: cls.accepted for cls in (_Transaction, _PostgresTransaction)}
    for cls in real:
        monkeypatch.setattr(cls, "accepted", accepted)
    return died


def test_a_mail_the_server_accepted_before_the_worker_died_goes_out_once(
    sink, settings, dies_once_after_acceptance
):
    settings.OUTBOX_ACCEPTANCE_CHECK = "outbox.acceptance.mailpit"
    settings.MAILPIT_URL = sink.api_url
    mail = queue()
    with pytest.raises(ProcessDied):
        outbox_deliver(mail_id=mail.pk)
    mail.refresh_from_db()
    assert mail.status == OutboxMail.Status.SENDING  # the "sent" mark died with the worker
    assert sink.count() == 1
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert outbox_dispatch_due() == 1  # the lease expired: handed over again
        assert outbox_deliver(mail_id=mail.pk).outcome == "confirmed"
    mail.refresh_from_db()
    assert (mail.status, mail.last_error) == (OutboxMail.Status.SENT, CONFIRMED_BY_PROVIDER)
    assert sink.counts() == {mail.delivery_key: 1}  # no second copy


def test_a_mail_the_worker_died_before_sending_goes_out_once(sink, settings, monkeypatch):
    settings.OUTBOX_ACCEPTANCE_CHECK = "outbox.acceptance.mailpit"
    settings.MAILPIT_URL = sink.api_url
    mail = queue()

    def dies(self, prepared):
        raise ProcessDied

    with monkeypatch.context() as patched:
        patched.setattr("outbox.delivery._Sender.send", dies)
        with pytest.raises(ProcessDied):
            outbox_deliver(mail_id=mail.pk)
    assert sink.count() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        outbox_dispatch_due()
        assert outbox_deliver(mail_id=mail.pk).outcome == "sent"  # asked, not accepted: sent
    assert sink.counts() == {mail.delivery_key: 1}
