"""Actions, "you said, we did" and the charter go through the one register-wide redactor,
and a follow-up whose free text still names someone is not sent (issue #18, points 1–2)."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import Action, Charter, CharterItem, ExpectationLink, FollowUp
from outbox.models import OutboxMail
from tests.factories import (
    ActionFactory,
    BookingFactory,
    ContactFactory,
    FeedbackItemFactory,
    MeetingFactory,
    OrganisationFactory,
    RegionFactory,
    leader,
)

pytestmark = pytest.mark.django_db


def held_meeting(**kwargs):
    start = timezone.now() - dt.timedelta(days=3)
    return MeetingFactory(
        starts_at=start, ends_at=start + dt.timedelta(hours=3), status="held", **kwargs
    )


@pytest.fixture
def three_guests():
    """A held meeting with three guests who came, and one concern captured."""
    meeting = held_meeting(owner=leader(first_name="Lena", last_name="Okafor"))
    for name, org in [
        ("Priya Raman", "Brightwater Logistics"),
        ("Tom Achebe", "Northwind Traders"),
        ("Ines Duarte", "Corvina Foods"),
    ]:
        contact = ContactFactory(name=name, organisation=OrganisationFactory(name=org))
        BookingFactory(meeting=meeting, contact=contact, attended=True)
    concern = FeedbackItemFactory(meeting=meeting, text="Support hands me from team to team.")
    return meeting, concern


@pytest.fixture
def outsider():
    """A register contact of another region, never booked into the meeting."""
    region = RegionFactory(name="Iberia", countries=["ES", "PT"])
    organisation = OrganisationFactory(name="Salinas Cargo SA", region=region, country="ES")
    return ContactFactory(name="Rodrigo Valverde", organisation=organisation)


def follow_ups():
    return OutboxMail.objects.filter(kind=OutboxMail.Kind.FOLLOW_UP)


def compose(meeting, concern, introduction="Thank you for your time."):
    return services.follow_up_compose(
        meeting=meeting,
        by=meeting.owner,
        introduction=introduction,
        closing="",
        feedback_items=[concern],
    )


def test_an_outcome_naming_a_register_contact_never_reaches_the_guests(three_guests, outsider):
    """The reported case: "<contact name> at <organisation> was told first" went out with
    the organisation removed but the person's name intact. Here the outcome is typed
    straight into the row, as if saved before redaction existed."""
    meeting, concern = three_guests
    ActionFactory(
        meeting=meeting,
        feedback_item=concern,
        status="done",
        title="One advocate per key customer",
        what_was_done="Rodrigo Valverde at Salinas Cargo was told first.",
    )
    follow_up = compose(meeting, concern)
    assert services.follow_up_publish(follow_up=follow_up, by=meeting.owner) == 3
    for mail in follow_ups():
        for body in (mail.subject, mail.text_body, mail.html_body):
            for secret in ("Rodrigo", "Valverde", "Salinas"):
                assert secret not in body, body
        assert "[person] at [organisation] was told first." in mail.text_body


def test_action_texts_are_stored_redacted(three_guests, outsider):
    meeting, concern = three_guests
    action = services.action_create(
        created_by=meeting.owner,
        title="Call Mr Valverde about Salinas Cargo",
        description="Rodrigo Valverde (rodrigo [at] salinas [dot] example) asked for it",
        owner=meeting.owner,
        due_date=timezone.localdate() + dt.timedelta(days=7),
        feedback_item=concern,
    )
    assert action.title == "Call [person] about [organisation]"
    assert action.description == "[person] ([email]) asked for it"
    services.action_set_status(
        action=action,
        by=meeting.owner,
        status=Action.Status.DONE,
        what_was_done="Priya Raman and Valverde agreed a single advocate",
    )
    action.refresh_from_db()
    assert action.what_was_done == "[person] and [person] agreed a single advocate"


def test_a_name_typed_after_the_draft_stops_the_send_and_names_the_field(client, three_guests):
    """The draft was fine when saved; the person it names was added to the register
    afterwards. The send is refused, the message says which field, nothing is sent."""
    meeting, concern = three_guests
    compose(meeting, concern, introduction="Thank you; Wendeline will call each of you.")
    ContactFactory(name="Wendeline Crouch")
    client.force_login(meeting.owner)
    response = client.post(reverse("actions:follow_up_send", args=[meeting.pk]))
    message = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "Nothing was sent" in message
    assert "Introduction: Wendeline" in message
    assert not follow_ups().exists()
    assert FollowUp.objects.get().published_at is None


def test_a_later_guest_gets_the_frozen_text_without_a_name_learnt_since(three_guests):
    """The follow-up went out (frozen, no longer editable); a guest added later gets the
    same text, read again by the redactor as the register is now."""
    meeting, concern = three_guests
    concern.text = "Quill said support hands them around."
    concern.save()
    follow_up = compose(meeting, concern, introduction="Thank you, Quill's team included.")
    assert services.follow_up_publish(follow_up=follow_up, by=meeting.owner) == 3
    ContactFactory(name="Quill Hartnell")
    late = BookingFactory(meeting=meeting, attended=True)
    assert services.follow_up_publish(follow_up=follow_up, by=meeting.owner) == 1
    mail = follow_ups().get(recipient=late.contact.email)
    assert "Quill" not in mail.text_body
    assert "[person] said support hands them around." in mail.text_body
    assert "Thank you, [person]'s team included." in mail.text_body


def test_the_last_check_refuses_what_the_content_let_through(three_guests, monkeypatch):
    """Defence in depth: should the content's redaction ever miss a name, the last check
    still finds it, names the field, and nothing is sent."""
    from actions import followup

    meeting, concern = three_guests
    ActionFactory(meeting=meeting, feedback_item=concern, title="Ring Tom Achebe", status="open")
    follow_up = compose(meeting, concern)
    monkeypatch.setattr(followup, "_action_entry", _unredacted_action_entry)
    with pytest.raises(ValidationError) as error:
        services.follow_up_publish(follow_up=follow_up, by=meeting.owner)
    assert "Action “Ring Tom Achebe”: title: Tom Achebe" in str(error.value)
    assert not follow_ups().exists()
    assert FollowUp.objects.get().published_at is None


def _unredacted_action_entry(action, redactor):
    return {
        "title": action.title,
        "status": action.status,
        "status_label": action.get_status_display(),
        "due": f"{action.due_date:%B %Y}",
        "said": "",
    }


def test_a_follow_up_without_names_still_goes(three_guests):
    meeting, concern = three_guests
    follow_up = compose(meeting, concern)
    assert services.follow_up_publish(follow_up=follow_up, by=meeting.owner) == 3


def test_an_introduction_naming_a_register_contact_is_refused(three_guests, outsider):
    meeting, concern = three_guests
    with pytest.raises(ValidationError) as error:
        compose(meeting, concern, introduction="Rodrigo Valverde sends his regards.")
    assert "Rodrigo Valverde" in str(error.value)
    assert not FollowUp.objects.exists()


def test_charter_items_and_expectations_are_stored_redacted(three_guests, outsider):
    meeting, _concern = three_guests
    owner = meeting.owner
    charter = services.charter_create(name="North", by=owner, region=meeting.region)
    version = services.charter_next_draft(charter=charter, by=owner)
    item = services.charter_item_add(
        version=version,
        by=owner,
        category=CharterItem.Category.OTHER,
        text="One advocate, as Rodrigo Valverde of Salinas Cargo asked",
    )
    assert item.text == "One advocate, as [person] of [organisation] asked"
    heard = FeedbackItemFactory(meeting=meeting, kind="expectation", text="One advocate")
    link = services.expectation_link(
        feedback_item=heard, charter=charter, by=owner, label="Advocate (Tom Achebe's ask)"
    )
    assert ExpectationLink.objects.get(pk=link.pk).label == "Advocate ([person]'s ask)"
    assert Charter.objects.filter(pk=charter.pk).exists()
