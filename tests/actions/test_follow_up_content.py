import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from actions import followup, mails, services
from actions.models import FollowUp
from feedback.models import FeedbackItem
from meetings.models import Section
from tests.factories import (
    ActionFactory,
    BookingFactory,
    FeedbackItemFactory,
    MeetingFactory,
    OrganisationFactory,
    leader,
)

pytestmark = pytest.mark.django_db


def held_meeting(**kwargs):
    start = timezone.now() - dt.timedelta(days=3)
    return MeetingFactory(
        starts_at=start, ends_at=start + dt.timedelta(hours=3), status="held", **kwargs
    )


def test_content_groups_feedback_by_section_customer_first_with_actions_taken():
    meeting = held_meeting()
    finance = FeedbackItemFactory(
        meeting=meeting, section=Section.FINANCE, text="Invoices are late."
    )
    customer = FeedbackItemFactory(
        meeting=meeting, section=Section.CUSTOMER, text="Calls go unanswered."
    )
    ActionFactory(
        meeting=meeting,
        feedback_item=finance,
        title="Invoice on the 1st",
        status="done",
        what_was_done="Invoices now leave on the 1st.",
    )
    content = followup.build_content(meeting=meeting, feedback_items=[finance, customer])
    assert [s["title"] for s in content["sections"]] == ["Customer", "Finance"]
    finance_entry = content["sections"][1]["entries"][0]
    assert finance_entry["text"] == "Invoices are late."
    assert finance_entry["actions"][0]["said"] == "Invoices now leave on the 1st."
    assert content["sections"][0]["entries"][0]["actions"] == []


def test_content_names_no_guest_no_organisation_and_no_staff():
    organisation = OrganisationFactory(name="Brightwater Logistics")
    meeting = held_meeting(owner=leader(first_name="Lena", last_name="Okafor"))
    BookingFactory(meeting=meeting, contact__name="Priya Raman", contact__organisation=organisation)
    OrganisationFactory(name="Northwind Traders")
    item = FeedbackItemFactory(meeting=meeting, text="Support hands me from team to team.")
    ActionFactory(
        meeting=meeting,
        feedback_item=item,
        title="Call Priya at Brightwater Logistics about a single advocate",
        status="wont_do",
        status_reason="Northwind Traders contract forbids it; Lena will explain (lena@corp.example).",
    )
    content = followup.build_content(meeting=meeting, feedback_items=[item])
    text = str(content)
    for name in ("Priya", "Brightwater", "Northwind", "Lena", "Okafor", "lena@corp.example"):
        assert name not in text
    assert "single advocate" in text


def test_the_meeting_is_named_by_its_own_title_without_the_customers_name():
    organisation = OrganisationFactory(name="Brightwater Logistics")
    meeting = held_meeting(title="Spring review with Brightwater Logistics")
    BookingFactory(meeting=meeting, contact__organisation=organisation)
    content = followup.build_content(meeting=meeting, feedback_items=[])
    assert content["meeting"] == "Spring review with [organisation]"
    subject, text, _html = mails.follow_up(
        content=content, introduction="", closing="", greeting_name="Ann", url="https://x"
    )
    assert subject == "You said, we did: Spring review with [organisation]"
    assert "leadership meeting" not in text


def test_done_actions_are_what_we_did_and_open_ones_what_we_are_working_on():
    meeting = held_meeting()
    heard = FeedbackItemFactory(meeting=meeting, text="Support hands me from team to team.")
    pending = FeedbackItemFactory(meeting=meeting, text="Invoices are hard to read.")
    ActionFactory(
        meeting=meeting,
        feedback_item=heard,
        title="One advocate per customer",
        status="done",
        what_was_done="Every key customer now has one named advocate.",
    )
    ActionFactory(meeting=meeting, feedback_item=heard, title="Train the advocates", status="open")
    ActionFactory(meeting=meeting, title="Review the SLA dashboard", status="in_progress")
    content = followup.build_content(meeting=meeting, feedback_items=[heard, pending])
    _subject, text, html = mails.follow_up(
        content=content, introduction="", closing="", greeting_name="Ann", url="https://x"
    )
    assert (
        "We did: One advocate per customer: Every key customer now has one named advocate." in text
    )
    assert "We’re working on: Train the advocates, due in" in text
    assert "We did: Train the advocates" not in text
    assert "We have not decided what to do about this yet; we will tell you when we have." in text
    assert "We did nothing" not in text
    assert "We did: nothing" not in text
    # Other actions: nothing done yet reads as a sentence, not an empty "We did".
    assert "Nothing else is finished yet; we’re working on:\n  Review the SLA dashboard" in text
    assert "We’re working on</span> Train the advocates" in html


def test_introduction_that_names_a_guest_or_organisation_is_refused_and_nothing_saved():
    organisation = OrganisationFactory(name="Brightwater Logistics")
    meeting = held_meeting()
    BookingFactory(meeting=meeting, contact__name="Priya Raman", contact__organisation=organisation)
    with pytest.raises(ValidationError) as error:
        services.follow_up_compose(
            meeting=meeting,
            by=meeting.owner,
            introduction="Thank you Priya and everyone at Brightwater Logistics.",
            closing="",
            feedback_items=[],
        )
    message = str(error.value)
    assert "Priya" in message
    assert "Brightwater Logistics" in message
    assert not FollowUp.objects.exists()


def test_follow_up_needs_a_held_meeting():
    meeting = MeetingFactory()  # next month
    with pytest.raises(ValidationError, match="held"):
        services.follow_up_compose(
            meeting=meeting, by=meeting.owner, introduction="", closing="", feedback_items=[]
        )


def test_compose_page_explains_a_named_guest_and_keeps_the_text(client):
    meeting = held_meeting()
    BookingFactory(meeting=meeting, contact__name="Priya Raman")
    client.force_login(meeting.owner)
    response = client.post(
        reverse("actions:follow_up_compose", args=[meeting.pk]),
        {"introduction": "Dear Priya, thank you.", "closing": ""},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "names nobody and no organisation" in content
    assert "Dear Priya, thank you." in content
    assert not FollowUp.objects.exists()


def test_only_the_meetings_owners_may_write_its_follow_up(client):
    meeting = held_meeting()
    client.force_login(leader())
    assert client.get(reverse("actions:follow_up_compose", args=[meeting.pk])).status_code == 403


def test_preview_shows_what_guests_will_read(client):
    meeting = held_meeting()
    item = FeedbackItemFactory(
        meeting=meeting, kind=FeedbackItem.Kind.IDEA, text="A shared roadmap."
    )
    ActionFactory(
        meeting=meeting, feedback_item=item, title="Publish a roadmap", status="in_progress"
    )
    client.force_login(meeting.owner)
    client.post(
        reverse("actions:follow_up_compose", args=[meeting.pk]),
        {"introduction": "Thank you for your time.", "feedback_items": [item.pk]},
    )
    content = client.get(reverse("actions:follow_up_preview", args=[meeting.pk])).content.decode()
    assert "Dear guest" in content
    assert "A shared roadmap." in content
    assert "Publish a roadmap" in content
    assert "We’re working on</span> Publish a roadmap" in content


def test_a_tampered_or_unpublished_link_shows_a_clear_page(client):
    meeting = held_meeting()
    booking = BookingFactory(meeting=meeting)
    follow_up = services.follow_up_compose(
        meeting=meeting, by=meeting.owner, introduction="", closing="", feedback_items=[]
    )
    token = followup.guest_token(follow_up=follow_up, booking=booking)
    response = client.get(reverse("actions:follow_up_public", args=[token]))
    assert response.status_code == 404  # not published yet
    response = client.get(reverse("actions:follow_up_public", args=[token[:-2] + "xx"]))
    assert response.status_code == 404
    assert b"This link is not valid" in response.content
