"""Upgrading an SQLite database keeps the register's triggers on contacts.

customers 0004 (front-line staff: Contact.organisation nullable) makes SQLite rebuild the
contact table, which drops its triggers; feedback 0005 creates them again. Without them
a new contact's name would not be redacted until the register's cache expired. customers
0007 (the contact language's default) rebuilds it again; feedback 0008 follows it."""

import os
import sqlite3
import subprocess
import sys

from tests.services import ROOT


def _migrate(database, *target):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("REDIS_URL", None)
    subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0", *target],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )


def test_upgrading_from_before_front_line_staff_keeps_the_contact_triggers(tmp_path):
    database = tmp_path / "upgrade.sqlite3"
    _migrate(database, "customers", "0003")
    _migrate(database, "feedback", "0004")  # the register, before the contact change
    _migrate(database)
    with sqlite3.connect(database) as connection:
        triggers = {
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                ("customers_contact",),
            )
        }
        assert triggers == {
            "customers_contact_register_insert",
            "customers_contact_register_delete",
            "customers_contact_register_names",
        }
        before = connection.execute("SELECT number FROM feedback_registerversion").fetchone()
        connection.execute(
            "INSERT INTO customers_contact (name, email, job_title, phone, language, time_zone,"
            " created_at, updated_at) VALUES ('Sam Counter', 's@ours.example', '', '', 'en', '',"
            " '2027-01-01', '2027-01-01')"
        )
        after = connection.execute("SELECT number FROM feedback_registerversion").fetchone()
    assert before != after


def test_a_fresh_sqlite_database_has_the_register_triggers_on_every_watched_table(tmp_path):
    """Whatever migration rebuilds a watched table on SQLite, `migrate` ends with each of
    them carrying its three triggers."""
    import importlib

    from django.apps import apps

    register = importlib.import_module("feedback.migrations.0004_register_version")
    database = tmp_path / "fresh.sqlite3"
    _migrate(database)
    with sqlite3.connect(database) as connection:
        for table, _columns in register._tables(apps):
            triggers = {
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                    (table,),
                )
            }
            assert triggers == {
                f"{table}_register_insert",
                f"{table}_register_delete",
                f"{table}_register_names",
            }, table
