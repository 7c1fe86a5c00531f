"""Every mail exactly once while the worker is killed again and again mid-batch."""

import pytest

from tests.outbox.kills import run_kills
from tests.services import missing

pytestmark = pytest.mark.services


def test_300_mails_to_an_smtp_server_survive_10_worker_kills_none_lost(
    transactional_db, postgres, redis_url, tmp_path, settings
):
    if postgres.vendor != "postgresql":
        missing("a real Celery worker needs the PostgreSQL test database (set DATABASE_URL)")
    settings.OUTBOX_BATCH_SIZE = 100
    # Kills soon after a mail lands, so that ten of them fit in the batch however fast
    # the machine sends.
    run = run_kills(mails=300, kills=10, redis_url=redis_url, tmp_path=tmp_path, jitter=0.02)
    print(
        f"{run.mails} mails, {run.kills} kills in {run.seconds:.1f} s; mails at each kill: "
        f"{run.sent_at_kills}; attempts interrupted by a kill: {run.interrupted}; "
        f"received twice: {run.duplicated or 'none'}"
    )
    assert run.lost == []
    assert run.other_message_ids == {}  # a copy is always the very same message
    # The one thing no SMTP client can rule out (docs/mail.md): a kill between the
    # server's acceptance and the commit. Such a copy is the very mail the server
    # accepted last before a kill, sent once more: at most one extra copy of a mail,
    # never more than the kills; any other repeat is a bug.
    assert run.outside_window == [], run.duplicated
    assert all(n == 2 for n in run.duplicated.values()), run.duplicated
    assert len(run.duplicated) <= min(run.interrupted, run.kills), run.duplicated
    assert run.kills >= 10
    # The kills landed while the batch was going out.
    assert sum(1 for n in run.sent_at_kills if 0 < n < run.mails) >= 8


def test_with_the_providers_acceptance_check_10_worker_kills_send_no_mail_twice(
    transactional_db, postgres, redis_url, tmp_path, settings
):
    # The same kills, the worker asking the SMTP server's Mailpit-compatible search
    # (outbox.acceptance.mailpit) about each mail a kill left "sending": the mail the
    # server accepted just before a kill is marked sent, not sent again. The server
    # answers each DATA 20 ms after recording the mail and each kill comes within 10 ms
    # of a recording, so most kills land in the window that, without the check, repeats
    # a mail.
    if postgres.vendor != "postgresql":
        missing("a real Celery worker needs the PostgreSQL test database (set DATABASE_URL)")
    settings.OUTBOX_BATCH_SIZE = 100
    run = run_kills(
        mails=300,
        kills=10,
        redis_url=redis_url,
        tmp_path=tmp_path,
        jitter=0.01,
        acceptance_check=True,
        reply_delay=0.02,
    )
    print(
        f"{run.mails} mails, {run.kills} kills in {run.seconds:.1f} s; mails at each kill: "
        f"{run.sent_at_kills}; attempts interrupted by a kill: {run.interrupted}; "
        f"confirmed by the provider, not sent again: {run.confirmed}; "
        f"received twice: {run.duplicated or 'none'}"
    )
    assert run.lost == []
    assert run.duplicated == {}
    assert 1 <= run.confirmed <= min(run.interrupted, run.kills)
    assert run.kills >= 10
    assert sum(1 for n in run.sent_at_kills if 0 < n < run.mails) >= 8
