"""Reminders and thank-yous for many meetings at once: one path on SQLite and PostgreSQL.

`reminders_schedule` computes each meeting's due times in Python and the outbox writes
every guest's rows in a few `INSERT … SELECT` statements (`outbox.services.outbox_schedule`).
These tests run on whichever database the suite uses (SQLite by default, PostgreSQL with
DATABASE_URL) and expect the very same rows.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from invitations.models import MeetingInvitation
from invitations.services import reminders_schedule
from meetings.models import Booking, Meeting
from outbox.keys import delivery_key
from outbox.models import OutboxMail
from tests.factories import BookingFactory, ContactFactory, MeetingFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=LONDON)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def meeting_at(start: dt.datetime, zone: str, **kwargs) -> Meeting:
    return MeetingFactory(
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        time_zone=zone,
        status=Meeting.Status.INVITED,
        **kwargs,
    )


def rows() -> set[tuple]:
    return {
        (*row[:-1], tuple(sorted(row[-1].items())))
        for row in OutboxMail.objects.values_list(
            "kind", "recipient", "delivery_key", "due_at", "subject", "renderer", "render_args"
        )
    }


def test_many_meetings_get_the_same_rows_as_each_meeting_alone(frozen):
    # London after the clocks go forward (28 March 2027), New York already on summer
    # time (14 March), a meeting three days away (its 7-day reminder has passed), one
    # with its own reminder days, and one cancelled.
    spring = meeting_at(dt.datetime(2027, 4, 1, 10, 0, tzinfo=LONDON), "Europe/London")
    evening = meeting_at(dt.datetime(2027, 3, 30, 18, 30, tzinfo=NEW_YORK), "America/New_York")
    soon = meeting_at(dt.datetime(2027, 3, 4, 10, 0, tzinfo=LONDON), "Europe/London")
    own_days = meeting_at(dt.datetime(2027, 5, 10, 9, 0, tzinfo=LONDON), "Europe/London")
    MeetingInvitation.objects.create(meeting=own_days, reminder_days=[14, 2])
    cancelled = meeting_at(
        dt.datetime(2027, 4, 2, 10, 0, tzinfo=LONDON), "Europe/London", title="Gone"
    )
    Meeting.objects.filter(pk=cancelled.pk).update(status=Meeting.Status.CANCELLED)
    guests = {
        m.pk: [BookingFactory(meeting=m) for _ in range(3)]
        for m in (spring, evening, soon, own_days, cancelled)
    }
    declined = guests[spring.pk][2]
    Booking.objects.filter(pk=declined.pk).update(rsvp=Booking.Rsvp.DECLINED)
    erased = guests[evening.pk][2].contact
    type(erased).objects.filter(pk=erased.pk).update(erased_at=NOW)
    meetings = [spring, evening, soon, own_days, cancelled]

    # Two reminders and a thank-you to each guest of spring (2: one declined), evening
    # (2: one erased) and own_days (3); one reminder and a thank-you to soon's 3.
    assert reminders_schedule(meetings=meetings) == 2 * 3 + 2 * 3 + 3 * 3 + 3 * 2
    together = rows()
    assert reminders_schedule(meetings=meetings) == 0  # never a second row
    OutboxMail.objects.all().delete()
    created = sum(reminders_schedule(meetings=[m]) for m in meetings)
    assert created == len(together)
    assert rows() == together

    def due(meeting, *, days=None):
        [row] = [
            r
            for r in together
            if r[2] == delivery_key("reminder", meeting.pk, guests[meeting.pk][0].pk, f"{days}d")
        ] or [None]
        return row and row[3]

    # The same wall-clock time in the meeting's zone, whatever the daylight saving.
    assert due(spring, days=7) == dt.datetime(2027, 3, 25, 10, 0, tzinfo=LONDON)
    assert due(spring, days=1) == dt.datetime(2027, 3, 31, 10, 0, tzinfo=LONDON)
    assert due(evening, days=7) == dt.datetime(2027, 3, 23, 18, 30, tzinfo=NEW_YORK)
    assert due(soon, days=7) is None  # its time had passed
    assert due(soon, days=1) == dt.datetime(2027, 3, 3, 10, 0, tzinfo=LONDON)
    assert due(own_days, days=14) == dt.datetime(2027, 4, 26, 9, 0, tzinfo=LONDON)
    assert due(own_days, days=7) is None  # not one of its days
    booking = guests[spring.pk][0]
    assert (
        "thank_you",
        booking.contact.email,
        delivery_key("thank_you", spring.pk, booking.pk),
        dt.datetime(2027, 4, 2, 10, 0, tzinfo=LONDON),
        f"Thank you for joining {spring.title}",
        "invitations.thank_you",
        (("booking", booking.pk),),
    ) in together
    assert (
        "reminder",
        booking.contact.email,
        delivery_key("reminder", spring.pk, booking.pk, "7d"),
        dt.datetime(2027, 3, 25, 10, 0, tzinfo=LONDON),
        f"Reminder: {spring.title}",
        "invitations.reminder",
        (("booking", booking.pk), ("days", 7)),
    ) in together
    recipients = {r[1] for r in together}
    assert declined.contact.email not in recipients
    assert erased.email not in recipients
    assert not any(str(cancelled.pk) == r[2].split(":")[1] for r in together)
    # Scheduled mail waits for the poller, unleased.
    assert set(OutboxMail.objects.values_list("status", "claimed_until", "attempts")) == {
        (OutboxMail.Status.QUEUED, None, 0)
    }


def test_scheduling_takes_the_same_few_queries_for_any_number_of_guests(
    frozen, django_assert_max_num_queries
):
    meetings = [
        meeting_at(dt.datetime(2027, 4, 1, 10 + i, 0, tzinfo=LONDON), "Europe/London")
        for i in range(3)
    ]
    for meeting in meetings:
        for _ in range(4):
            BookingFactory(meeting=meeting, contact=ContactFactory())
    # The meetings and their reminder days, then per kind (two reminder days and the
    # thank-yous) one INSERT, after lifting the statement timeout on PostgreSQL (two SETs).
    with django_assert_max_num_queries(2 + 3 * 3):
        assert reminders_schedule(meetings=meetings) == 3 * 4 * 3
    with time_machine.travel(NOW + dt.timedelta(days=40), tick=False):
        # Every reminder's time has passed: only the thank-yous would be written, and
        # they exist.
        assert reminders_schedule(meetings=meetings) == 0
