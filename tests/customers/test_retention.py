import datetime as dt

import pytest
from django.core.management import call_command

from audit.models import AuditEntry
from customers.models import Contact
from customers.retention import inactive_contacts
from tests.factories import BookingFactory, ContactFactory, MeetingFactory

NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def _aged(contact, *, months):
    Contact.objects.filter(pk=contact.pk).update(
        updated_at=NOW - dt.timedelta(days=round(months * 30.44))
    )
    contact.refresh_from_db()
    return contact


@pytest.mark.django_db
def test_only_contacts_inactive_for_the_whole_period_are_selected():
    stale = _aged(ContactFactory(name="Old Friend"), months=40)
    recently_updated = _aged(ContactFactory(), months=2)
    booked_recently = _aged(ContactFactory(), months=40)
    BookingFactory(
        contact=booked_recently,
        meeting=MeetingFactory(
            starts_at=NOW - dt.timedelta(days=90), ends_at=NOW - dt.timedelta(days=90, hours=-2)
        ),
    )
    selected = set(inactive_contacts(months=36, now=NOW))
    assert selected == {stale}
    assert recently_updated not in selected


@pytest.mark.django_db
def test_command_anonymises_inactive_contacts_through_the_erasure_service(time_machine, capsys):
    time_machine.move_to(NOW)
    stale = _aged(ContactFactory(name="Old Friend", email="old@customer.example"), months=40)
    active = _aged(ContactFactory(name="New Friend"), months=1)
    call_command("anonymise_inactive_contacts")
    stale.refresh_from_db()
    active.refresh_from_db()
    assert stale.is_erased
    assert stale.email == ""
    assert "Old Friend" not in stale.name
    assert not active.is_erased
    assert "1 contact(s) inactive since" in capsys.readouterr().out
    entry = AuditEntry.objects.get(action=AuditEntry.Action.RETENTION)
    assert entry.actor is None
    assert entry.details == {"months": 36, "contact_ids": [stale.pk]}
    assert "Old Friend" not in str(entry.details)


@pytest.mark.django_db
def test_dry_run_changes_nothing(time_machine, capsys):
    time_machine.move_to(NOW)
    stale = _aged(ContactFactory(), months=40)
    call_command("anonymise_inactive_contacts", "--dry-run")
    stale.refresh_from_db()
    assert not stale.is_erased
    assert "would be anonymised" in capsys.readouterr().out
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.RETENTION).exists()


@pytest.mark.django_db
def test_period_is_configurable(time_machine, settings):
    time_machine.move_to(NOW)
    settings.RETENTION_INACTIVE_CONTACT_MONTHS = 12
    contact = _aged(ContactFactory(), months=13)
    call_command("anonymise_inactive_contacts")
    contact.refresh_from_db()
    assert contact.is_erased


@pytest.mark.django_db
def test_beat_runs_the_retention_task_daily(settings, time_machine):
    entry = settings.CELERY_BEAT_SCHEDULE["anonymise-inactive-contacts"]
    assert entry["task"] == "customers.anonymise_inactive_contacts"
    assert entry["schedule"] == 24 * 60 * 60
    from customers.tasks import anonymise_inactive_contacts

    assert anonymise_inactive_contacts.name == entry["task"]
    time_machine.move_to(NOW)
    contact = _aged(ContactFactory(), months=40)
    assert anonymise_inactive_contacts.delay().get() == 1
    contact.refresh_from_db()
    assert contact.is_erased
