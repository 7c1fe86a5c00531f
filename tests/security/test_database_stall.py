"""A database that stops answering gives the 503 page within 5 s, not a hung worker.

The stall is real: another session holds an exclusive lock on the users table, so every
page's first query waits in PostgreSQL, the way it waits behind a stuck migration, a
runaway transaction or an exhausted disk. The statement timeout (DB_STATEMENT_TIMEOUT,
4 s) cancels it and the outage middleware answers 503; once the lock is gone, the very
next request works.
"""

import time

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from tests.factories import UserFactory
from tests.services import missing

pytestmark = pytest.mark.services


def stall_users_table():
    settings = connection.settings_dict
    holder = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"] or "postgres",
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
    )
    holder.execute("LOCK TABLE accounts_user IN ACCESS EXCLUSIVE MODE")
    return holder


@pytest.mark.django_db(transaction=True)
def test_a_stalled_database_gives_the_503_page_within_5_seconds(settings):
    if connection.vendor != "postgresql":
        missing("the statement timeout is PostgreSQL's (set DATABASE_URL)")
    assert "statement_timeout=4000" in connection.settings_dict["OPTIONS"]["options"]
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(role=Role.LEADER))
    assert client.get(reverse("home_leader")).status_code == 200

    holder = stall_users_table()
    try:
        started = time.monotonic()
        page = client.get(reverse("home_leader"))
        page_seconds = time.monotonic() - started
        started = time.monotonic()
        health = client.get(reverse("healthz"))
        health_seconds = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
    assert page.status_code == 503
    assert b"Open Chair is briefly unavailable" in page.content
    assert page_seconds < 5, f"the page took {page_seconds:.1f} s"
    assert health.status_code in (200, 503)  # /healthz does not read the users table
    assert health_seconds < 5
    assert client.get(reverse("home_leader")).status_code == 200  # no restart needed
