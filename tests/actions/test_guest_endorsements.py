"""Guests endorse the charter from their signed link; staff see how many organisations
endorse each expectation, behind the small-cell rule (#23)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from actions import guest_page, services
from actions.endorsements import endorsement_figures
from actions.models import CharterEndorsement
from actions.rules import guest_may_endorse
from invitations.tokens import guest_page_token
from tests.factories import (
    BookingFactory,
    ContactFactory,
    MeetingFactory,
    OrganisationFactory,
    heard_on_published_charter,
    leader,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
ADVOCATE = "One advocate who stays with me until it is solved"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def heard():
    """A published charter with one expectation, heard at a meeting with three guests
    from three organisations (and placed on the charter by the leader)."""
    owner = leader()
    start = NOW - dt.timedelta(hours=1)
    meeting = MeetingFactory(owner=owner, starts_at=start, ends_at=start + dt.timedelta(hours=3))
    charter, item = heard_on_published_charter(
        by=owner, meeting=meeting, text=ADVOCATE, name="Nordic charter"
    )
    bookings = [
        BookingFactory(
            meeting=meeting,
            attended=True,
            contact=ContactFactory(organisation=OrganisationFactory(name=f"Org {n}")),
        )
        for n in range(3)
    ]
    return {
        "charter": charter,
        "item": item,
        "meeting": meeting,
        "bookings": bookings,
        "owner": owner,
    }


def endorse(booking, heard, stance="agree", suggestion=""):
    return services.charter_endorse(
        booking=booking,
        charter=heard["charter"],
        lineage=heard["item"].lineage,
        stance=stance,
        suggestion=suggestion,
    )


def post(client, booking, heard, **data):
    return client.post(
        reverse("actions:guest_endorse", args=[guest_page_token(booking)]),
        {"expectation": f"{heard['charter'].pk}:{heard['item'].lineage}", **data},
    )


def test_guest_sees_only_the_expectations_heard_at_their_meeting(client, heard):
    elsewhere = MeetingFactory(owner=heard["owner"])
    heard_on_published_charter(by=heard["owner"], meeting=elsewhere, text="Answer within a day")
    page = client.get(reverse("actions:guest_page", args=[guest_page_token(heard["bookings"][0])]))
    text = page.content.decode()
    assert ADVOCATE in text
    assert "Answer within a day" not in text
    assert "I agree" in text


def test_a_guest_agrees_from_the_page(client, heard):
    response = post(client, heard["bookings"][0], heard, stance="agree")
    assert response.status_code == 302
    assert response["Location"].endswith("?answered=1#charter")
    endorsement = CharterEndorsement.objects.get()
    assert endorsement.stance == "agree"
    assert endorsement.organisation_id == heard["bookings"][0].contact.organisation_id
    page = client.get(response["Location"]).content.decode()
    assert "your answer is saved" in page
    assert "Your organisation’s current answer: I agree" in page


def test_one_answer_per_organisation_the_latest_wins(heard):
    first = heard["bookings"][0]
    colleague = BookingFactory(
        meeting=heard["meeting"],
        attended=True,
        contact=ContactFactory(organisation=first.contact.organisation),
    )
    endorse(first, heard, "agree")
    endorse(colleague, heard, "disagree")
    assert CharterEndorsement.objects.count() == 1
    assert CharterEndorsement.objects.get().stance == "disagree"


def test_a_suggestion_is_redacted_and_required(client, heard):
    booking = heard["bookings"][0]
    other = heard["bookings"][1].contact
    response = post(client, booking, heard, stance="suggest", suggestion="")
    assert response.status_code == 400
    assert "Write the change you suggest." in response.content.decode()
    assert not CharterEndorsement.objects.exists()
    endorse(booking, heard, "suggest", f"Ask {other.name} of Org 1 how they do it")
    stored = CharterEndorsement.objects.get().suggestion
    assert other.name not in stored
    assert "Org 1" not in stored


def test_a_tampered_expectation_is_refused_and_nothing_is_stored(client, heard):
    booking = heard["bookings"][0]
    response = client.post(
        reverse("actions:guest_endorse", args=[guest_page_token(booking)]),
        {
            "expectation": f"{heard['charter'].pk}:00000000-0000-0000-0000-000000000000",
            "stance": "agree",
        },
    )
    assert response.status_code == 400
    assert "was not heard at your meeting" in response.content.decode()
    assert not CharterEndorsement.objects.exists()


def test_bad_input_is_a_message_and_keeps_what_was_typed(client, heard):
    response = post(client, heard["bookings"][0], heard, stance="maybe", suggestion="Kept text")
    assert response.status_code == 400
    text = response.content.decode()
    assert "Kept text" in text
    assert not CharterEndorsement.objects.exists()


def test_a_forged_link_cannot_answer(client, heard):
    response = client.post(reverse("actions:guest_endorse", args=["forged"]), {"stance": "agree"})
    assert response.status_code == 404
    assert not CharterEndorsement.objects.exists()


# --- Who may answer (actions.rules.guest_may_endorse) ----------------------------------------


def test_rules_only_present_customer_guests_once_the_meeting_started(heard, clock):
    booking = heard["bookings"][0]
    now = timezone.now()
    assert guest_may_endorse(booking, now=now)
    assert not guest_may_endorse(booking, now=heard["meeting"].starts_at - dt.timedelta(minutes=1))
    booking.attended = False
    assert not guest_may_endorse(booking, now=now)
    booking.attended = None
    booking.rsvp = "accepted"
    assert guest_may_endorse(booking, now=now)
    booking.rsvp = "declined"
    assert not guest_may_endorse(booking, now=now)
    staff_guest = BookingFactory(
        meeting=heard["meeting"], attended=True, contact=ContactFactory(organisation=None)
    )
    assert not guest_may_endorse(staff_guest, now=now)
    heard["meeting"].status = "cancelled"
    assert not guest_may_endorse(heard["bookings"][1], now=now)


def test_a_guest_who_may_not_answer_is_refused_by_the_service(heard):
    booking = heard["bookings"][0]
    booking.attended = False
    booking.save()
    with pytest.raises(Exception, match="took part"):
        endorse(booking, heard)
    assert not CharterEndorsement.objects.exists()


def test_before_the_meeting_the_page_offers_no_form(client, heard, clock):
    clock.move_to(heard["meeting"].starts_at - dt.timedelta(days=1))
    page = client.get(reverse("actions:guest_page", args=[guest_page_token(heard["bookings"][0])]))
    assert "Send my answer" not in page.content.decode()


# --- The figure staff see: through the small-cell rule --------------------------------------


def test_fewer_than_three_organisations_is_hidden(heard, settings):
    settings.CHATHAM_MIN_ORGANISATIONS = 3
    endorse(heard["bookings"][0], heard)
    endorse(heard["bookings"][1], heard)
    figure = endorsement_figures(charter=heard["charter"])[heard["item"].lineage]
    assert figure.hidden
    assert figure.display is None


def test_three_organisations_show_on_the_charter(client, heard):
    for booking in heard["bookings"]:
        endorse(booking, heard)
    client.force_login(heard["owner"])
    page = client.get(reverse("actions:charter_detail", args=[heard["charter"].pk]), follow=True)
    assert "Endorsed by 3 customer organisations." in page.content.decode()


def test_two_endorsements_show_no_figure_on_the_charter(client, heard):
    endorse(heard["bookings"][0], heard)
    endorse(heard["bookings"][1], heard)
    endorse(heard["bookings"][2], heard, "disagree")
    client.force_login(heard["owner"])
    text = client.get(
        reverse("actions:charter_detail", args=[heard["charter"].pk]), follow=True
    ).content.decode()
    assert "Endorsed by" not in text
    assert "fewer than 3 organisations are not shown" in text


def test_suggestions_show_only_when_enough_organisations_answered(heard):
    endorse(heard["bookings"][0], heard, "suggest", "Name the advocate in the first mail")
    endorse(heard["bookings"][1], heard, "agree")
    figures = endorsement_figures(charter=heard["charter"])
    assert "suggestions" not in figures[heard["item"].lineage].extra
    endorse(heard["bookings"][2], heard, "agree")
    figures = endorsement_figures(charter=heard["charter"])
    assert figures[heard["item"].lineage].extra["suggestions"] == [
        "Name the advocate in the first mail"
    ]


def test_the_figure_follows_the_expectation_into_the_next_version(heard):
    for booking in heard["bookings"]:
        endorse(booking, heard)
    draft = services.charter_next_draft(charter=heard["charter"], by=heard["owner"])
    copy = draft.items.get(lineage=heard["item"].lineage)
    figures = endorsement_figures(charter=heard["charter"])
    assert figures[copy.lineage].display == 3


def test_heard_expectations_carry_the_organisations_answer(heard):
    endorse(heard["bookings"][0], heard, "disagree")
    [expectation] = guest_page.heard_expectations(booking=heard["bookings"][0])
    assert expectation.stance == "disagree"
    [other] = guest_page.heard_expectations(booking=heard["bookings"][1])
    assert other.stance == ""


def test_page_with_the_charter_reads_a_fixed_number_of_queries(
    client, heard, django_assert_max_num_queries
):
    endorse(heard["bookings"][0], heard)
    url = reverse("actions:guest_page", args=[guest_page_token(heard["bookings"][0])])
    client.get(url)
    with django_assert_max_num_queries(12):  # 9 measured
        assert client.get(url).status_code == 200
