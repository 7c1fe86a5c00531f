"""Editing, moving and cancelling a meeting from the meetings pages tells its guests.

The meetings app sends signals; the invitations app answers them with updates and
cancellations. These tests go through the meetings views, as a leader does.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail as django_mail
from django.urls import reverse
from icalendar import Calendar

from invitations.services import invitation_send, meeting_cancel, rsvp_answer
from meetings.models import Booking, Meeting
from outbox.models import OutboxMail
from outbox.services import outbox_dispatch_due
from tests.factories import BookingFactory, ContactFactory, MeetingFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=LONDON)
START = dt.datetime(2027, 3, 20, 10, 0, tzinfo=LONDON)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def meeting(frozen):
    return MeetingFactory(
        agenda=True,
        starts_at=START,
        ends_at=START + dt.timedelta(hours=3),
        title="Spring leadership",
        place="Head office, London",
    )


@pytest.fixture
def guests(meeting):
    """Three booked guests: one accepts, one does not answer, one declines."""
    return {
        answer: BookingFactory(meeting=meeting, contact=ContactFactory(name=f"{answer} guest"))
        for answer in ("accepted", "pending", "declined")
    }


@pytest.fixture
def invited(meeting, guests, django_capture_on_commit_callbacks):
    """The invitations are sent (and went out); then the guests answer."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(meeting=meeting, user=meeting.owner)
    rsvp_answer(booking=guests["accepted"], answer=Booking.Rsvp.ACCEPTED, recorded_by=meeting.owner)
    rsvp_answer(booking=guests["declined"], answer=Booking.Rsvp.DECLINED)
    meeting.refresh_from_db()
    django_mail.outbox.clear()
    return meeting


def edit(client, meeting, *, confirm=True, **changes):
    """Post the meeting's edit form with its current values and `changes` (confirming
    that guests are told, as the "Save and tell the guests" button does)."""
    tz = ZoneInfo(meeting.time_zone)
    data = {
        "title": meeting.title,
        "type": meeting.type,
        "region": meeting.region_id,
        "country": meeting.country,
        "starts_at": meeting.starts_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": meeting.ends_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        "time_zone": meeting.time_zone,
        "place": meeting.place,
        "video_link": meeting.video_link,
        "objectives": meeting.objectives,
    }
    data.update(changes)
    if confirm:
        data["confirm_update"] = "1"
    client.force_login(meeting.owner)
    response = client.post(reverse("meetings:edit", args=[meeting.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting.refresh_from_db()
    return response


def send_waiting_updates(frozen, django_capture_on_commit_callbacks, minutes=5):
    """Let the coalescing delay pass and run the outbox poller, as beat does."""
    frozen.shift(dt.timedelta(minutes=minutes))
    with django_capture_on_commit_callbacks(execute=True):
        outbox_dispatch_due()


def sent_sequences(kind_prefix: str) -> dict[str, int]:
    """Recipient → SEQUENCE of the .ics of each captured mail whose subject starts so."""
    return {
        message.to[0]: int(
            Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")[0]["SEQUENCE"]
        )
        for message in django_mail.outbox
        if message.subject.startswith(kind_prefix)
    }


def test_moving_an_invited_meeting_sends_one_update_per_guest_and_moves_reminders(
    client, invited, guests, frozen, django_capture_on_commit_callbacks
):
    meeting = invited
    assert meeting.ics_sequence == 0
    reminder = OutboxMail.objects.get(
        delivery_key=f"reminder:{meeting.pk}:{guests['pending'].pk}:1d"
    )
    assert reminder.due_at == dt.datetime(2027, 3, 19, 10, 0, tzinfo=LONDON)
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, meeting, starts_at="2027-03-27T10:00", ends_at="2027-03-27T13:00")
    assert meeting.ics_sequence == 1
    assert django_mail.outbox == []  # the update waits a few minutes for further saves
    send_waiting_updates(frozen, django_capture_on_commit_callbacks)
    updates = OutboxMail.objects.filter(meeting=meeting, kind=OutboxMail.Kind.UPDATE)
    assert sorted(updates.values_list("recipient", flat=True)) == sorted(
        [guests["accepted"].contact.email, guests["pending"].contact.email]
    )
    assert sent_sequences("Updated:") == {
        guests["accepted"].contact.email: 1,
        guests["pending"].contact.email: 1,
    }
    reminder.refresh_from_db()
    assert reminder.due_at == dt.datetime(2027, 3, 26, 10, 0, tzinfo=LONDON)
    # The meeting panel has nothing left to tell; the manual button finds nothing to send.
    page = client.get(reverse("invitations:meeting", args=[meeting.pk]), follow=True)
    assert "Guests have not been told yet" not in page.content.decode()
    response = client.post(reverse("invitations:update", args=[meeting.pk]), follow=True)
    assert "no update sent" in response.content.decode()
    assert updates.count() == 2

    # A second move: one more update each, SEQUENCE one higher again (never two).
    django_mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, meeting, place="The customer's office, Leeds")
    send_waiting_updates(frozen, django_capture_on_commit_callbacks)
    assert meeting.ics_sequence == 2
    assert updates.count() == 4
    assert set(sent_sequences("Updated:").values()) == {2}


def test_saves_within_a_few_minutes_send_one_update_per_guest(
    client, invited, guests, frozen, django_capture_on_commit_callbacks
):
    meeting = invited
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, meeting, starts_at="2027-03-27T10:00", ends_at="2027-03-27T13:00")
        frozen.shift(dt.timedelta(minutes=2))
        edit(client, meeting, place="The customer's office, Leeds")
        frozen.shift(dt.timedelta(minutes=2))
        outbox_dispatch_due()  # not due yet: nothing goes out
    assert django_mail.outbox == []
    send_waiting_updates(frozen, django_capture_on_commit_callbacks, minutes=2)
    assert meeting.ics_sequence == 1
    assert sent_sequences("Updated:") == {
        guests["accepted"].contact.email: 1,
        guests["pending"].contact.email: 1,
    }
    # The one mail carries both changes: it is rendered from the meeting as it is now.
    body = django_mail.outbox[0].body
    assert "27 March 2027" in body
    assert "Leeds" in body


def test_the_edit_page_says_who_is_told_and_why_before_saving(
    client, invited, guests, django_capture_on_commit_callbacks
):
    meeting = invited
    client.force_login(meeting.owner)
    tz = ZoneInfo(meeting.time_zone)
    data = {
        "title": meeting.title,
        "type": meeting.type,
        "region": meeting.region_id,
        "country": meeting.country,
        "starts_at": meeting.starts_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": meeting.ends_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        "time_zone": meeting.time_zone,
        "place": "Room 4",
        "video_link": meeting.video_link,
        "objectives": meeting.objectives,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:edit", args=[meeting.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Guests will get an update" in page
    assert "The place changed" in page
    assert guests["accepted"].contact.name in page
    assert guests["pending"].contact.name in page
    assert guests["declined"].contact.name not in page
    meeting.refresh_from_db()
    assert meeting.place == "Head office, London"  # nothing saved yet
    assert not OutboxMail.objects.filter(kind=OutboxMail.Kind.UPDATE).exists()


def test_editing_a_draft_meeting_sends_nothing(
    client, meeting, guests, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, meeting, starts_at="2027-03-27T10:00", ends_at="2027-03-27T13:00")
    assert meeting.status == Meeting.Status.DRAFT
    assert meeting.ics_sequence == 0
    assert not OutboxMail.objects.exists()
    assert django_mail.outbox == []


def test_editing_what_guests_were_not_told_sends_nothing(
    client, invited, django_capture_on_commit_callbacks
):
    meeting = invited
    waiting = set(OutboxMail.objects.values_list("pk", "status", "due_at"))
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, meeting, confirm=False, type=Meeting.Type.PANEL)  # no question asked
    assert meeting.type == Meeting.Type.PANEL
    assert meeting.ics_sequence == 0
    assert set(OutboxMail.objects.values_list("pk", "status", "due_at")) == waiting
    assert django_mail.outbox == []


def test_a_change_saved_elsewhere_is_sent_by_the_button_once(
    client, invited, guests, django_capture_on_commit_callbacks
):
    meeting = invited
    # Saved without the meetings service (the admin, a shell): no signal, no mail yet.
    Meeting.objects.filter(pk=meeting.pk).update(place="Room 2")
    client.force_login(meeting.owner)
    page = client.get(reverse("invitations:meeting", args=[meeting.pk])).content.decode()
    assert "Send the update" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("invitations:update", args=[meeting.pk]))
        client.post(reverse("invitations:update", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.ics_sequence == 1
    assert set(sent_sequences("Updated:").values()) == {1}
    assert len(django_mail.outbox) == 2


def test_cancelling_from_the_meeting_page_tells_invited_guests(
    client, invited, guests, django_capture_on_commit_callbacks
):
    meeting = invited
    client.force_login(meeting.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("meetings:transition", args=[meeting.pk]), {"to": "cancelled"}, follow=True
        )
    assert "The meeting is now cancelled" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.ics_sequence == 1
    cancellations = [m for m in django_mail.outbox if m.subject.startswith("Cancelled:")]
    assert sorted(m.to[0] for m in cancellations) == sorted(
        [guests["accepted"].contact.email, guests["pending"].contact.email]
    )
    for message in cancellations:
        cal = Calendar.from_ical(message.attachments[0][1])
        assert str(cal["METHOD"]) == "CANCEL"
        assert int(cal.walk("VEVENT")[0]["SEQUENCE"]) == 1
    waiting = OutboxMail.objects.filter(
        meeting=meeting, kind__in=[OutboxMail.Kind.REMINDER, OutboxMail.Kind.THANK_YOU]
    )
    assert waiting.exists()
    assert set(waiting.values_list("status", flat=True)) == {OutboxMail.Status.SKIPPED}
    assert meeting.invitation.cancelled_at is not None


def test_both_cancel_routes_tell_each_guest_once(
    client, invited, guests, django_capture_on_commit_callbacks
):
    meeting = invited
    client.force_login(meeting.owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("invitations:cancel", args=[meeting.pk]),
            {"confirm": "on", "message": "We are sorry."},
        )
        response = client.post(
            reverse("meetings:transition", args=[meeting.pk]), {"to": "cancelled"}, follow=True
        )
        assert "cannot be marked cancelled" in response.content.decode()
        response = client.post(
            reverse("invitations:cancel", args=[meeting.pk]), {"confirm": "on"}, follow=True
        )
        assert "already cancelled" in response.content.decode()
        assert meeting_cancel(meeting=meeting, user=meeting.owner) == 0
    meeting.refresh_from_db()
    assert meeting.ics_sequence == 1
    rows = OutboxMail.objects.filter(meeting=meeting, kind=OutboxMail.Kind.CANCELLATION)
    assert rows.count() == 2
    assert len([m for m in django_mail.outbox if m.subject.startswith("Cancelled:")]) == 2
    assert all("We are sorry." in m.body for m in django_mail.outbox)


def test_cancelling_from_the_meeting_page_then_the_invitation_page_tells_each_guest_once(
    client, invited, django_capture_on_commit_callbacks
):
    meeting = invited
    client.force_login(meeting.owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meetings:transition", args=[meeting.pk]), {"to": "cancelled"})
        client.post(reverse("invitations:cancel", args=[meeting.pk]), {"confirm": "on"})
    assert OutboxMail.objects.filter(kind=OutboxMail.Kind.CANCELLATION).count() == 2
    assert len(django_mail.outbox) == 2


def test_cancelling_a_draft_meeting_sends_nothing(
    client, meeting, guests, django_capture_on_commit_callbacks
):
    client.force_login(meeting.owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meetings:transition", args=[meeting.pk]), {"to": "cancelled"})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert not OutboxMail.objects.exists()


def test_a_held_meeting_cannot_be_cancelled_from_the_invitation_page(client, invited, frozen):
    meeting = invited
    frozen.move_to(START + dt.timedelta(hours=1))
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    client.force_login(meeting.owner)
    response = client.post(
        reverse("invitations:cancel", args=[meeting.pk]), {"confirm": "on"}, follow=True
    )
    assert response.status_code == 200
    assert "cannot be marked cancelled" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert not OutboxMail.objects.filter(kind=OutboxMail.Kind.CANCELLATION).exists()
