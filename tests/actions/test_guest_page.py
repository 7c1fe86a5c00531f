"""The guest's standing "you said, we did" page and the one update mail (#23)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import Action
from customers.services import contact_erase
from invitations.tokens import MAX_AGE, guest_page_token, rsvp_token
from outbox.models import OutboxMail
from tests.factories import (
    ActionFactory,
    BookingFactory,
    ContactFactory,
    FeedbackItemFactory,
    MeetingFactory,
    OrganisationFactory,
    leader,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def page_url(booking):
    return reverse("actions:guest_page", args=[guest_page_token(booking)])


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sent(clock):
    """A held meeting with two guests from two organisations, a concern heard, one action
    done and one open, and the follow-up sent."""
    owner = leader(first_name="Lena", last_name="Okafor")
    start = NOW - dt.timedelta(days=3)
    meeting = MeetingFactory(
        owner=owner,
        status="held",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        title="Spring review",
    )
    priya = BookingFactory(
        meeting=meeting,
        attended=True,
        contact=ContactFactory(
            name="Priya Raman",
            email="priya@brightwater.example",
            organisation=OrganisationFactory(name="Brightwater Logistics"),
        ),
    )
    tomas = BookingFactory(
        meeting=meeting,
        attended=True,
        contact=ContactFactory(
            name="Tomas Berg",
            email="tomas@northwind.example",
            organisation=OrganisationFactory(name="Northwind Traders"),
        ),
    )
    concern = FeedbackItemFactory(meeting=meeting, kind="concern", text="Invoices arrive late.")
    done = ActionFactory(
        meeting=meeting,
        feedback_item=concern,
        owner=owner,
        title="Invoices leave on the 1st",
        status="done",
        what_was_done="Invoices now leave on the first day of the month.",
        completed_on=dt.date(2026, 3, 9),
    )
    still_open = ActionFactory(
        meeting=meeting,
        owner=owner,
        title="Ask Tomas Berg of Northwind Traders (tomas@northwind.example) about the portal",
        status="open",
        due_date=dt.date(2026, 5, 31),
    )
    follow_up = services.follow_up_compose(
        meeting=meeting, by=owner, introduction="", closing="", feedback_items=[concern]
    )
    services.follow_up_publish(follow_up=follow_up, by=owner)
    return {
        "meeting": meeting,
        "owner": owner,
        "priya": priya,
        "tomas": tomas,
        "done": done,
        "open": still_open,
    }


def updates():
    return OutboxMail.objects.filter(delivery_key__endswith=":update")


def test_the_follow_up_mail_links_to_the_guests_own_standing_page(sent):
    mail = OutboxMail.objects.get(recipient="priya@brightwater.example")
    assert page_url(sent["priya"]) in mail.text_body
    assert page_url(sent["priya"]) in mail.html_body


def test_page_shows_what_was_heard_and_where_each_action_stands(client, sent):
    page = client.get(page_url(sent["priya"])).content.decode()
    assert "Invoices arrive late." in page
    assert "Invoices leave on the 1st" in page
    assert "done on 9 Mar 2026" in page
    assert "due in May 2026" in page


def test_page_follows_the_actions_as_they_move(client, sent, clock):
    clock.shift(dt.timedelta(days=1))
    services.action_set_status(
        action=sent["open"], by=sent["owner"], status="done", what_was_done="Portal fixed."
    )
    page = client.get(page_url(sent["priya"])).content.decode()
    assert "Portal fixed." in page
    assert "done on 11 Mar 2026" in page
    assert "due in May 2026" not in page


def test_page_never_shows_other_guests_names_organisations_or_addresses(client, sent):
    page = client.get(page_url(sent["priya"])).content.decode()
    for leaked in (
        "Tomas",
        "Berg",
        "Northwind",
        "tomas@northwind.example",
        "Priya",
        "Brightwater",
        "Okafor",
    ):
        assert leaked not in page
    assert "about the portal" in page


def test_page_is_in_the_guests_language(client, sent):
    contact = sent["tomas"].contact
    contact.language = "de"
    contact.save()
    response = client.get(page_url(sent["tomas"]))
    assert response["Content-Language"] == "de"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("mangle", [lambda t: t[:-3] + "abc", lambda t: "not-a-token", str.upper])
def test_a_tampered_link_says_so_and_is_not_an_error(client, sent, mangle):
    response = client.get(
        reverse("actions:guest_page", args=[mangle(guest_page_token(sent["priya"]))])
    )
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()


def test_an_rsvp_link_does_not_open_the_page(client, sent):
    response = client.get(reverse("actions:guest_page", args=[rsvp_token(sent["priya"])]))
    assert response.status_code == 404


def test_an_expired_link_says_it_expired(client, sent, clock):
    url = page_url(sent["priya"])
    clock.shift(dt.timedelta(seconds=MAX_AGE + 60))
    response = client.get(url)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


def test_an_erased_guest_has_no_page(client, sent):
    url = page_url(sent["priya"])
    contact_erase(contact=sent["priya"].contact)
    response = client.get(url)
    assert response.status_code == 404
    assert "Invoices" not in response.content.decode()


def test_before_the_follow_up_there_is_nothing_to_read_yet(client, clock):
    booking = BookingFactory(meeting=MeetingFactory(), attended=None)
    response = client.get(page_url(booking))
    assert response.status_code == 200
    assert "Nothing to read yet" in response.content.decode()


def test_page_reads_a_fixed_number_of_queries(client, sent, django_assert_max_num_queries):
    url = page_url(sent["priya"])
    with django_assert_max_num_queries(12):  # 9 measured
        assert client.get(url).status_code == 200


# --- The update mail: once, when everything from the meeting is closed ---------------------


def test_closing_the_last_action_sends_each_guest_one_update(sent, clock):
    clock.shift(dt.timedelta(days=1))
    services.action_set_status(
        action=sent["open"], by=sent["owner"], status="wont_do", reason="The portal is retired."
    )
    assert sorted(updates().values_list("recipient", flat=True)) == [
        "priya@brightwater.example",
        "tomas@northwind.example",
    ]
    mail = updates().get(recipient="priya@brightwater.example")
    assert mail.kind == OutboxMail.Kind.FOLLOW_UP
    assert "is closed" in mail.subject
    assert "The portal is retired." in mail.text_body
    assert page_url(sent["priya"]) in mail.text_body
    assert "Tomas" not in mail.text_body
    assert "Northwind" not in mail.text_body


def test_repeated_triggers_retries_and_reopening_send_nothing_more(sent, clock):
    clock.shift(dt.timedelta(days=1))
    services.action_set_status(action=sent["open"], by=sent["owner"], status="done")
    assert updates().count() == 2
    for _ in range(3):
        assert services.follow_up_update_send(meeting=sent["meeting"]) == 0
    services.action_set_status(action=sent["open"], by=sent["owner"], status="open")
    services.action_set_status(action=sent["open"], by=sent["owner"], status="done")
    services.action_set_status(action=sent["done"], by=sent["owner"], status="done")
    assert updates().count() == 2


def test_no_update_while_an_action_is_open(sent, clock):
    clock.shift(dt.timedelta(days=1))
    ActionFactory(meeting=sent["meeting"], owner=sent["owner"], status="open")
    services.action_set_status(action=sent["open"], by=sent["owner"], status="done")
    assert updates().count() == 0


def test_no_update_when_everything_was_closed_before_the_follow_up(clock):
    owner = leader()
    start = NOW - dt.timedelta(days=3)
    meeting = MeetingFactory(
        owner=owner, status="held", starts_at=start, ends_at=start + dt.timedelta(hours=3)
    )
    BookingFactory(meeting=meeting, attended=True)
    item = FeedbackItemFactory(meeting=meeting, kind="concern")
    ActionFactory(meeting=meeting, feedback_item=item, owner=owner, status="done")
    follow_up = services.follow_up_compose(
        meeting=meeting, by=owner, introduction="", closing="", feedback_items=[item]
    )
    services.follow_up_publish(follow_up=follow_up, by=owner)
    assert services.follow_up_update_send(meeting=meeting) == 0
    assert updates().count() == 0


def test_no_update_to_a_guest_who_never_had_the_follow_up_or_opted_out(sent, clock):
    late = BookingFactory(meeting=sent["meeting"], attended=True)  # booked after the sending
    tomas = sent["tomas"].contact
    tomas.opted_out_at = timezone.now()
    tomas.save()
    clock.shift(dt.timedelta(days=1))
    services.action_set_status(action=sent["open"], by=sent["owner"], status="done")
    assert list(updates().values_list("recipient", flat=True)) == ["priya@brightwater.example"]
    assert late.contact.email not in updates().values_list("recipient", flat=True)


def test_closed_statuses_are_the_ones_the_rule_names():
    assert {s.value for s in Action.Status if Action(status=s).is_closed} == {"done", "wont_do"}
