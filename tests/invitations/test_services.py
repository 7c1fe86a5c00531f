import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail as django_mail
from django.core.exceptions import ValidationError
from icalendar import Calendar

from invitations.services import (
    invitation_send,
    meeting_cancel,
    meeting_changes_send,
    nudge_send,
    reminders_schedule,
    rsvp_answer,
)
from meetings.models import Booking, Meeting, Section
from outbox.models import OutboxMail
from outbox.services import outbox_deliver, outbox_dispatch_due
from tests.factories import AgendaItemFactory, BookingFactory, ContactFactory, MeetingFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=LONDON)


def meeting_at(start: dt.datetime, **kwargs) -> Meeting:
    return MeetingFactory(
        agenda=True, starts_at=start, ends_at=start + dt.timedelta(hours=3), **kwargs
    )


def send_all(callbacks_fixture):
    with callbacks_fixture(execute=True):
        outbox_dispatch_due()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def meeting(frozen):
    meeting = meeting_at(dt.datetime(2027, 3, 20, 10, 0, tzinfo=LONDON), title="Spring leadership")
    AgendaItemFactory(
        meeting=meeting, section=Section.FINANCE, title="Quarterly numbers", position=0
    )
    AgendaItemFactory(
        meeting=meeting, section=Section.CUSTOMER, title="What you told us", position=5
    )
    return meeting


def test_invitation_goes_to_each_guest_separately_with_ics(
    meeting, django_capture_on_commit_callbacks
):
    ada = BookingFactory(meeting=meeting, contact=ContactFactory(name="Ada Guest"))
    BookingFactory(meeting=meeting, contact=ContactFactory(name="Bo Guest"))
    BookingFactory(meeting=meeting, contact=ContactFactory(name="No Mail", email=""))
    with django_capture_on_commit_callbacks(execute=True):
        assert invitation_send(meeting=meeting, user=meeting.owner) == 2
    assert len(django_mail.outbox) == 2
    assert all(len(message.to) == 1 and not message.bcc for message in django_mail.outbox)
    message = next(m for m in django_mail.outbox if m.to == [ada.contact.email])
    assert message.subject == "Invitation: Spring leadership"
    assert "Ada Guest" in message.body
    assert "Chatham House Rule" in message.body
    # Customer-first: the customer section comes before finance whatever the positions.
    assert message.body.index("What you told us") < message.body.index("Quarterly numbers")
    assert "/invitations/rsvp/" in message.body
    assert "Bo Guest" not in message.body
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.INVITED


def test_sending_again_invites_only_newly_booked_guests(
    meeting, django_capture_on_commit_callbacks
):
    BookingFactory(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(meeting=meeting, user=meeting.owner)
    BookingFactory(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        assert invitation_send(meeting=meeting, user=meeting.owner) == 1
    assert len(django_mail.outbox) == 2


def test_ics_parses_back_with_request_uid_sequence_timezone_and_attendee(
    meeting, django_capture_on_commit_callbacks
):
    booking = BookingFactory(meeting=meeting, contact=ContactFactory(name="Ada Guest"))
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(meeting=meeting, user=meeting.owner)
    filename, content, mimetype = django_mail.outbox[0].attachments[0]
    assert filename == "invite.ics"
    assert mimetype.startswith("text/calendar")
    cal = Calendar.from_ical(content)
    assert str(cal["METHOD"]) == "REQUEST"
    event = cal.walk("VEVENT")[0]
    assert str(event["UID"]) == f"open-chair-meeting-{meeting.pk}@127.0.0.1"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(event["ORGANIZER"]) == f"mailto:{meeting.owner.email}"
    attendee = event["ATTENDEE"]
    assert str(attendee) == f"mailto:{booking.contact.email}"
    assert attendee.params["RSVP"] == "TRUE"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"


def test_moving_the_meeting_sends_update_with_higher_sequence_and_moves_reminders(
    meeting, django_capture_on_commit_callbacks
):
    booking = BookingFactory(meeting=meeting)
    declined = BookingFactory(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(meeting=meeting, user=meeting.owner)
        rsvp_answer(booking=declined, answer=Booking.Rsvp.DECLINED)
    reminder = OutboxMail.objects.get(delivery_key=f"reminder:{meeting.pk}:{booking.pk}:1d")
    assert reminder.due_at == dt.datetime(2027, 3, 19, 10, 0, tzinfo=LONDON)
    assert meeting_changes_send(meeting=meeting) == 0  # nothing changed: no update
    meeting.starts_at += dt.timedelta(days=7)
    meeting.ends_at += dt.timedelta(days=7)
    meeting.save()
    django_mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert meeting_changes_send(meeting=meeting) == 1
    assert [m.to for m in django_mail.outbox] == [[booking.contact.email]]
    assert django_mail.outbox[0].subject.startswith("Updated:")
    event = Calendar.from_ical(django_mail.outbox[0].attachments[0][1]).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == meeting.starts_at
    reminder.refresh_from_db()
    assert reminder.due_at == dt.datetime(2027, 3, 26, 10, 0, tzinfo=LONDON)
    # Same change again: nothing new to tell.
    with django_capture_on_commit_callbacks(execute=True):
        assert meeting_changes_send(meeting=meeting) == 0


def test_cancellation_sends_method_cancel_and_withdraws_reminders(
    meeting, django_capture_on_commit_callbacks
):
    booking = BookingFactory(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(meeting=meeting, user=meeting.owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert meeting_cancel(meeting=meeting, user=meeting.owner, message="Sorry.") == 1
    cancellation = django_mail.outbox[-1]
    assert cancellation.subject.startswith("Cancelled:")
    cal = Calendar.from_ical(cancellation.attachments[0][1])
    assert str(cal["METHOD"]) == "CANCEL"
    assert int(cal.walk("VEVENT")[0]["SEQUENCE"]) == 1
    assert str(cal.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    waiting = OutboxMail.objects.filter(
        meeting=meeting, kind=OutboxMail.Kind.REMINDER, render_args__booking=booking.pk
    )
    assert set(waiting.values_list("status", flat=True)) == {OutboxMail.Status.SKIPPED}


def test_reminders_go_at_7_and_1_days_to_accepted_and_silent_guests_never_to_declined(
    meeting, frozen, django_capture_on_commit_callbacks
):
    accepted, silent, declined = (BookingFactory(meeting=meeting) for _ in range(3))
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(meeting=meeting, user=meeting.owner)
        rsvp_answer(booking=accepted, answer=Booking.Rsvp.ACCEPTED, chatham_acknowledged=True)
        rsvp_answer(booking=declined, answer=Booking.Rsvp.DECLINED)
    django_mail.outbox.clear()

    frozen.move_to(dt.datetime(2027, 3, 13, 9, 59, tzinfo=LONDON))
    send_all(django_capture_on_commit_callbacks)
    assert django_mail.outbox == []  # one minute early
    frozen.move_to(dt.datetime(2027, 3, 13, 10, 0, tzinfo=LONDON))
    send_all(django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in django_mail.outbox) == sorted(
        [accepted.contact.email, silent.contact.email]
    )
    assert all("in 7 days" in m.body for m in django_mail.outbox)
    send_all(django_capture_on_commit_callbacks)  # the poller again: nothing twice
    assert len(django_mail.outbox) == 2

    frozen.move_to(dt.datetime(2027, 3, 19, 10, 1, tzinfo=LONDON))
    send_all(django_capture_on_commit_callbacks)
    assert len(django_mail.outbox) == 4
    assert all("tomorrow" in m.body for m in django_mail.outbox[2:])
    assert declined.contact.email not in {m.to[0] for m in django_mail.outbox}


def test_guest_who_declines_after_scheduling_gets_no_reminder(
    meeting, frozen, django_capture_on_commit_callbacks
):
    booking = BookingFactory(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(meeting=meeting, user=meeting.owner)
        rsvp_answer(booking=booking, answer=Booking.Rsvp.DECLINED)
    django_mail.outbox.clear()
    frozen.move_to(dt.datetime(2027, 3, 19, 12, 0, tzinfo=LONDON))
    send_all(django_capture_on_commit_callbacks)
    assert django_mail.outbox == []
    statuses = set(
        OutboxMail.objects.filter(kind=OutboxMail.Kind.REMINDER).values_list(
            "last_error", flat=True
        )
    )
    assert statuses == {"The guest declined the invitation."}


def test_reminder_keeps_its_local_time_across_a_dst_change(frozen):
    # UK clocks go forward on 28 March 2027: the meeting is at 10:00 BST (09:00 UTC).
    meeting = meeting_at(dt.datetime(2027, 4, 1, 10, 0, tzinfo=LONDON))
    BookingFactory(meeting=meeting)
    reminders_schedule(meetings=[meeting])
    seven = OutboxMail.objects.get(kind=OutboxMail.Kind.REMINDER, render_args__days=7)
    assert seven.due_at == dt.datetime(2027, 3, 25, 10, 0, tzinfo=dt.UTC)  # 10:00 GMT
    assert meeting.starts_at == dt.datetime(2027, 4, 1, 9, 0, tzinfo=dt.UTC)


def test_guest_in_another_zone_sees_both_times_across_dst(
    frozen, django_capture_on_commit_callbacks
):
    # New York changed to summer time on 14 March 2027, London only on 28 March:
    # 10:00 in London is 06:00 in New York that week, not the usual 05:00.
    meeting = meeting_at(dt.datetime(2027, 3, 22, 10, 0, tzinfo=LONDON))
    BookingFactory(meeting=meeting, contact=ContactFactory(time_zone="America/New_York"))
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(meeting=meeting, user=meeting.owner)
    body = django_mail.outbox[0].body
    assert "Monday 22 March 2027, 10:00–13:00 GMT (Europe/London)" in body
    assert "Monday 22 March 2027, 06:00–09:00 EDT (America/New York) where you are" in body


def test_guest_in_the_meetings_zone_sees_one_time(meeting, django_capture_on_commit_callbacks):
    BookingFactory(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(meeting=meeting, user=meeting.owner)
    assert "where you are" not in django_mail.outbox[0].body


def test_reminder_already_past_is_not_scheduled(frozen):
    meeting = meeting_at(dt.datetime(2027, 3, 4, 10, 0, tzinfo=LONDON))  # in 3 days
    BookingFactory(meeting=meeting)
    reminders_schedule(meetings=[meeting])
    assert list(
        OutboxMail.objects.filter(kind=OutboxMail.Kind.REMINDER).values_list(
            "render_args__days", flat=True
        )
    ) == [1]


def test_nudge_reaches_only_silent_guests_and_only_once(
    meeting, django_capture_on_commit_callbacks
):
    silent = BookingFactory(meeting=meeting)
    answered = BookingFactory(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(meeting=meeting, user=meeting.owner)
        rsvp_answer(booking=answered, answer=Booking.Rsvp.DECLINED)
    django_mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert nudge_send(meeting=meeting, user=meeting.owner) == 1
        assert nudge_send(meeting=meeting, user=meeting.owner) == 0
    assert [m.to[0] for m in django_mail.outbox] == [silent.contact.email]
    assert "/outbox/opt-out/" in django_mail.outbox[0].body


def test_thank_you_goes_next_morning_to_attendees_only(
    meeting, frozen, django_capture_on_commit_callbacks
):
    came, absent = BookingFactory(meeting=meeting), BookingFactory(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(meeting=meeting, user=meeting.owner)
    Booking.objects.filter(pk=came.pk).update(attended=True)
    Booking.objects.filter(pk=absent.pk).update(attended=False)
    django_mail.outbox.clear()
    frozen.move_to(dt.datetime(2027, 3, 20, 23, 0, tzinfo=LONDON))
    OutboxMail.objects.filter(kind=OutboxMail.Kind.REMINDER).delete()
    send_all(django_capture_on_commit_callbacks)
    assert django_mail.outbox == []
    frozen.move_to(dt.datetime(2027, 3, 21, 10, 0, tzinfo=LONDON))
    send_all(django_capture_on_commit_callbacks)
    assert [m.to[0] for m in django_mail.outbox] == [came.contact.email]
    assert django_mail.outbox[0].subject == "Thank you for joining Spring leadership"


def test_template_fixed_while_mail_waits_applies_to_it(meeting, frozen):
    booking = BookingFactory(meeting=meeting)
    invitation_send(meeting=meeting, user=meeting.owner)  # on_commit not run: still queued
    mail = OutboxMail.objects.get(kind=OutboxMail.Kind.INVITATION)
    meeting.title = "Spring leadership (corrected)"
    meeting.save()
    assert outbox_deliver(mail_id=mail.pk).outcome == "sent"
    assert django_mail.outbox[0].subject == "Invitation: Spring leadership (corrected)"
    mail.refresh_from_db()
    assert mail.subject == "Invitation: Spring leadership (corrected)"
    assert booking.contact.name in mail.text_body


def test_accepting_needs_the_chatham_acknowledgement(meeting):
    booking = BookingFactory(meeting=meeting)
    with pytest.raises(ValidationError):
        rsvp_answer(booking=booking, answer=Booking.Rsvp.ACCEPTED)
    booking = rsvp_answer(booking=booking, answer=Booking.Rsvp.ACCEPTED, chatham_acknowledged=True)
    assert booking.chatham_acknowledged_at is not None


def test_answer_cannot_change_once_the_meeting_started(meeting, frozen):
    booking = BookingFactory(meeting=meeting)
    frozen.move_to(meeting.starts_at + dt.timedelta(minutes=1))
    with pytest.raises(ValidationError):
        rsvp_answer(booking=booking, answer=Booking.Rsvp.DECLINED)


def test_only_the_latest_of_two_quick_updates_is_sent(meeting, django_capture_on_commit_callbacks):
    booking = BookingFactory(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(meeting=meeting, user=meeting.owner)
    django_mail.outbox.clear()
    for hours in (1, 2):  # two moves before the worker got to the first update
        Meeting.objects.filter(pk=meeting.pk).update(
            starts_at=meeting.starts_at + dt.timedelta(hours=hours),
            ends_at=meeting.ends_at + dt.timedelta(hours=hours),
        )
        meeting.refresh_from_db()
        meeting_changes_send(meeting=meeting)
    first, second = OutboxMail.objects.filter(kind=OutboxMail.Kind.UPDATE).order_by("pk")
    assert outbox_deliver(mail_id=first.pk).outcome == "skipped"
    assert outbox_deliver(mail_id=second.pk).outcome == "sent"
    assert [m.to[0] for m in django_mail.outbox] == [booking.contact.email]
    event = Calendar.from_ical(django_mail.outbox[0].attachments[0][1]).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 2


def test_demo_seed_invites_upcoming_meetings_once(django_capture_on_commit_callbacks):
    from io import StringIO

    from invitations import demo

    meeting = MeetingFactory(agenda=True)
    BookingFactory(meeting=meeting)
    BookingFactory(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(stdout=StringIO())
        demo.seed(stdout=StringIO())
    assert OutboxMail.objects.filter(kind=OutboxMail.Kind.INVITATION).count() == 2
    assert set(meeting.bookings.values_list("rsvp", flat=True)) == {"accepted", "declined"}


def test_organizer_is_a_valid_mailto_when_the_leader_has_no_email(
    meeting, settings, django_capture_on_commit_callbacks
):
    settings.DEFAULT_FROM_EMAIL = "Open Chair <open-chair@example.org>"
    meeting.owner.email = ""
    meeting.owner.save()
    BookingFactory(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(meeting=meeting, user=meeting.owner)
    _filename, content, _mimetype = django_mail.outbox[0].attachments[0]
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["ORGANIZER"]) == "mailto:open-chair@example.org"


def test_the_calendar_part_is_text_calendar_with_its_method_inline_and_attached(
    meeting, django_capture_on_commit_callbacks
):
    BookingFactory(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(meeting=meeting, user=meeting.owner)
    message = django_mail.outbox[0].message()
    calendars = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert [p.get_param("method") for p in calendars] == ["REQUEST", "REQUEST"]
    inline, attached = calendars
    assert inline.get("Content-Disposition") is None  # the alternative Outlook reads
    assert attached.get_filename() == "invite.ics"
    alternative = next(p for p in message.walk() if p.get_content_type() == "multipart/alternative")
    assert [p.get_content_type() for p in alternative.get_payload()] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    assert "Accepting in your calendar only tells" in django_mail.outbox[0].body
