"""Guests' own comments from the meeting link, and the meeting-kind suggestion."""

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from feedback.home import home_sections
from feedback.meeting_panels import meeting_panels
from feedback.models import FeedbackItem
from feedback.selectors import guest_link_token, meeting_kind_suggestion
from meetings.models import Meeting
from tests.factories import FeedbackItemFactory, MeetingFactory, executive


def guest_url(meeting):
    return reverse("feedback:guest_comment", args=[guest_link_token(meeting=meeting)])


def test_guest_comment_is_redacted_and_stores_nothing_about_the_guest(running):
    guest = Client(HTTP_USER_AGENT="GuestPhone/1.0", REMOTE_ADDR="203.0.113.9")
    page = guest.get(guest_url(running.meeting))
    assert page.status_code == 200
    assert set(page.cookies) <= {"csrftoken"}, "no session, only the CSRF token"
    key = str(uuid.uuid4())
    response = guest.post(
        guest_url(running.meeting),
        {
            "text": "Zoë from Northwind: the portal is slow",
            "kind": "concern",
            "idempotency_key": key,
        },
    )
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert "your comment was added" in response.content.decode()
    item = FeedbackItem.objects.get()
    assert item.text == "[person] from [organisation]: the portal is slow"
    assert item.source == FeedbackItem.Source.GUEST_LINK
    assert item.sentiment == FeedbackItem.Sentiment.NEGATIVE
    values = " ".join(str(v) for v in FeedbackItem.objects.values().get().values())
    assert "203.0.113.9" not in values
    assert "GuestPhone" not in values
    # Sending the same form twice (a double tap, a reload) adds nothing.
    guest.post(
        guest_url(running.meeting),
        {
            "text": "Zoë from Northwind: the portal is slow",
            "kind": "concern",
            "idempotency_key": key,
        },
    )
    assert FeedbackItem.objects.count() == 1


def test_guest_link_works_only_while_the_meeting_runs(running):
    guest = Client()
    running.meeting.starts_at = timezone.now() + dt.timedelta(days=1)
    running.meeting.ends_at = running.meeting.starts_at + dt.timedelta(hours=2)
    running.meeting.save()
    response = guest.post(
        guest_url(running.meeting),
        {"text": "too early", "kind": "idea", "idempotency_key": str(uuid.uuid4())},
    )
    assert response.status_code == 410
    assert "only while the meeting runs" in response.content.decode()
    running.meeting.starts_at = timezone.now() - dt.timedelta(hours=1)
    running.meeting.ends_at = timezone.now() + dt.timedelta(hours=1)
    running.meeting.status = Meeting.Status.CLOSED
    running.meeting.save()
    assert guest.get(guest_url(running.meeting)).status_code == 410
    assert not FeedbackItem.objects.exists()


def test_a_forged_guest_link_is_not_found(running):
    assert Client().get(reverse("feedback:guest_comment", args=["not-a-token"])).status_code == 404


def test_empty_guest_comment_gets_a_message(running):
    response = Client().post(
        guest_url(running.meeting),
        {"text": "", "kind": "idea", "idempotency_key": str(uuid.uuid4())},
    )
    assert response.status_code == 400
    assert "Write your comment" in response.content.decode()


# -- kind suggestion ----------------------------------------------------------------------


def items(meeting, *specs):
    for number, (kind, sentiment, source) in enumerate(specs, start=1):
        FeedbackItemFactory(
            meeting=meeting, number=number, kind=kind, sentiment=sentiment, source=source
        )


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        ([], None),
        ([("praise", "positive", "guest")] * 4, "love_in"),
        ([("praise", "positive", "guest")] * 3 + [("idea", "neutral", "guest")], "4f"),
        (
            [("concern", "negative", "staff")] * 8 + [("praise", "positive", "guest")] * 2,
            "advertisement",
        ),
        (
            [("concern", "negative", "staff")] * 20 + [("idea", "neutral", "guest_link")] * 3,
            "advertisement",
        ),
        (
            [("concern", "negative", "guest")] * 7
            + [("praise", "positive", "guest")] * 1
            + [("idea", "neutral", "guest")],
            "war",
        ),
        (
            [("concern", "negative", "guest")] * 3
            + [("praise", "positive", "guest")] * 3
            + [("idea", "neutral", "guest")] * 2,
            "4f",
        ),
    ],
)
def test_kind_suggestion(db, specs, expected):
    meeting = MeetingFactory()
    items(meeting, *specs)
    suggestion = meeting_kind_suggestion(meeting)
    assert (suggestion.kind if suggestion else None) == expected


def test_panel_shows_the_suggestion_to_owner_and_nothing_to_others(running):
    items(running.meeting, *[("praise", "positive", "guest")] * 4)
    panels = meeting_panels(meeting=running.meeting, user=running.owner)
    assert panels[0]["suggestion"].label == "Love-In"
    assert panels[0]["can_capture"] is False
    assert meeting_panels(meeting=running.meeting, user=running.facilitator)[0]["can_capture"]
    assert meeting_panels(meeting=running.meeting, user=executive()) == []


def test_facilitator_home_lists_todays_meeting(running):
    sections = home_sections(role="Facilitator", user=running.facilitator)
    assert [m.pk for m in sections[0]["today"]] == [running.meeting.pk]
    assert home_sections(role="Leader", user=running.owner) == []


def test_suggestions_for_many_meetings_in_one_query(db, django_assert_num_queries):
    from feedback.selectors import meeting_kind_suggestions

    love_in, war, empty = MeetingFactory(), MeetingFactory(), MeetingFactory()
    items(love_in, *[("praise", "positive", "guest")] * 4)
    items(war, *[("concern", "negative", "guest")] * 6)
    with django_assert_num_queries(1):
        suggestions = meeting_kind_suggestions([love_in.pk, war.pk, empty.pk])
    assert {pk: s.kind for pk, s in suggestions.items()} == {love_in.pk: "love_in", war.pk: "war"}
    assert suggestions[love_in.pk] == meeting_kind_suggestion(love_in)


def test_a_held_meeting_with_nothing_captured_is_a_likely_advertisement(db):
    from feedback.selectors import meeting_kind_suggestions

    held = MeetingFactory(status=Meeting.Status.HELD)
    upcoming = MeetingFactory(status=Meeting.Status.INVITED)
    suggestion = meeting_kind_suggestion(held)
    assert (suggestion.kind, suggestion.total, suggestion.from_guests) == ("advertisement", 0, 0)
    assert meeting_kind_suggestion(upcoming) is None
    statuses = {held.pk: held.status, upcoming.pk: upcoming.status}
    many = meeting_kind_suggestions([held.pk, upcoming.pk], statuses=statuses)
    assert many == {held.pk: suggestion}
    # Without the statuses, nothing captured means no suggestion.
    assert meeting_kind_suggestions([held.pk, upcoming.pk]) == {}


def test_facilitator_home_page_links_to_the_capture_page(client, running):
    client.force_login(running.facilitator)
    page = client.get(reverse("home_facilitator")).content.decode()
    card = page[page.index('id="home-meetings-heading"') :]
    card = card[: card.index("</section>")]
    assert "Meetings you facilitate" in card
    today = card[card.index("Today") :]
    assert today.count("Leadership meeting, North") == 1
    assert f'href="{reverse("feedback:capture", args=[running.meeting.pk])}"' in today
    assert "Running now" in today
