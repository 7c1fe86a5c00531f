"""Front-line staff invited like guests, seen from capture (issue #22): their names are
redacted like everyone's in the register, and the page counts them as our staff."""

import pytest
from django.urls import reverse

from feedback.models import FeedbackItem
from feedback.redaction import PERSON
from feedback.selectors import capture_room
from meetings.models import Booking
from meetings.services import front_line_staff_invite
from tests.factories import MeetingFactory

CLIENT = {"HTTP_X_CAPTURE_CLIENT": "1"}


def _capture(client, running, text: str, **extra) -> str:
    url = reverse("feedback:capture_post", args=[running.meeting.pk])
    response = client.post(url, running.post_data(text, **extra), **CLIENT)
    assert response.status_code == 201, response.content
    return FeedbackItem.objects.order_by("-number").first().text


def _book_staff(meeting, name="Rosalind Quarrie", email="rosalind.quarrie@ours.example"):
    return front_line_staff_invite(meeting=meeting, name=name, email=email, by=meeting.owner)


def test_a_staff_members_name_is_redacted_from_captured_text(client, running):
    _book_staff(running.meeting)
    client.force_login(running.facilitator)
    client.get(reverse("feedback:capture", args=[running.meeting.pk]))
    text = _capture(
        client, running, "Rosalind Quarrie says the returns desk has no time; ask Ms Quarrie"
    )
    assert text == f"{PERSON} says the returns desk has no time; ask {PERSON}"


def test_a_staff_member_booked_elsewhere_is_redacted_too(client, running):
    # In the register, whichever meeting they were invited to.
    front_line_staff_invite(
        meeting=MeetingFactory(),
        name="Evander Thistlewood",
        email="evander@ours.example",
        by=running.owner,
    )
    client.force_login(running.facilitator)
    client.get(reverse("feedback:capture", args=[running.meeting.pk]))
    text = _capture(client, running, "Evander Thistlewood runs the night shift", source="staff")
    assert text == f"{PERSON} runs the night shift"


def test_capture_counts_staff_as_staff_not_as_customer_guests(client, running):
    _book_staff(running.meeting)
    room = capture_room(meeting=running.meeting)
    assert (room.guests, room.organisations, room.front_line_staff) == (2, 2, 1)
    client.force_login(running.facilitator)
    page = client.get(reverse("feedback:capture", args=[running.meeting.pk])).content.decode()
    assert "2 customer guests from 2 organisations · 1 of our front-line staff" in page
    assert "what they say is “Our staff”" in page
    assert "Rosalind" not in page  # counts only, never names


def test_capture_room_leaves_out_who_declined_or_was_absent(running):
    staff = _book_staff(running.meeting)
    staff.rsvp = Booking.Rsvp.DECLINED
    staff.save()
    running.meeting.bookings.filter(contact=running.guest).update(attended=False)
    room = capture_room(meeting=running.meeting)
    assert (room.guests, room.organisations, room.front_line_staff) == (1, 1, 0)


def test_without_staff_the_page_says_nothing_about_them(client, running):
    client.force_login(running.facilitator)
    page = client.get(reverse("feedback:capture", args=[running.meeting.pk])).content.decode()
    assert "2 customer guests from 2 organisations" in page
    assert "front-line" not in page


@pytest.fixture(autouse=True)
def _db(db):
    return db
