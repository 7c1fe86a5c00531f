"""A worker's batch costs one PostgreSQL round trip per mail, and records each mail as
sent before the next one goes, through a real SMTP server (tests/smtpsink.py)."""

import psycopg
import pytest
from django.db import connection

from outbox.delivery import outbox_deliver_batch
from outbox.models import OutboxMail
from tests.outbox.kills import queue_mails
from tests.services import missing


@pytest.mark.django_db(transaction=True)
def test_a_batch_costs_one_database_round_trip_per_mail(sink, monkeypatch):
    if connection.vendor != "postgresql":
        missing("the worker's one-round-trip path is PostgreSQL's (set DATABASE_URL)")
    monkeypatch.setattr("outbox.handover.publish_batches", lambda *args, **kwargs: 0)
    keys = queue_mails(40, "round-trips")
    ids = list(
        OutboxMail.objects.filter(delivery_key__in=keys).order_by("pk").values_list("pk", flat=True)
    )
    connection.close()  # the count below starts with a fresh connection, as a worker's task

    round_trips = []
    real_execute = psycopg.ClientCursor.execute
    seen_sent_before_next = []

    def counting_execute(cursor, query, *args, **kwargs):
        round_trips.append(query)
        if isinstance(query, str) and query.startswith("COMMIT; "):
            # The previous mail is committed in the same string that begins the next:
            # whatever the server received so far is recorded before the next goes.
            seen_sent_before_next.append(sink.count())
        return real_execute(cursor, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.ClientCursor, "execute", counting_execute)
    result = outbox_deliver_batch(mail_ids=ids, lease=None)
    monkeypatch.undo()

    assert {r.outcome for r in result.outcomes.values()} == {"sent"}
    assert sorted(sink.counts().values()) == [1] * 40  # each mail once
    assert OutboxMail.objects.filter(pk__in=ids, status=OutboxMail.Status.SENT).count() == 40
    # One per mail, plus a handful per batch (connecting, the first claim, preparing the
    # statement, the fast-commit setting and its reset).
    assert len(round_trips) <= 40 + 8, round_trips[:12]
    # The chained commits came one per mail, each after that mail reached the server.
    assert seen_sent_before_next == list(range(1, 40))
