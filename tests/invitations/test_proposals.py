"""Next month's guests, proposed: which countries, which organisations, and the one step."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from invitations.models import MeetingInvitation
from meetings.models import Booking, Meeting
from outbox.models import OutboxMail
from tests.factories import (
    BookingFactory,
    ContactFactory,
    FacetFactory,
    MeetingFactory,
    OrganisationFactory,
    RegionFactory,
    executive,
    facilitator,
    leader,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
LONDON = ZoneInfo("Europe/London")
APRIL = dt.datetime(2026, 4, 15, 10, 0, tzinfo=LONDON)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(clock):
    owner = leader(username="gm-uk")
    region = RegionFactory(name="UK and Ireland", countries=["GB", "IE"])
    region.leaders.add(owner)
    retail, logistics = FacetFactory(name="Retail"), FacetFactory(name="Logistics")
    met = OrganisationFactory(name="Met Often Ltd", region=region, country="GB", facets=[retail])
    ContactFactory(organisation=met, name="Mara Met")
    gap = OrganisationFactory(
        name="Fills The Gap Ltd", region=region, country="GB", facets=[logistics]
    )
    ContactFactory(organisation=gap, name="Gus Gap")
    irish = OrganisationFactory(name="Dublin Docks", region=region, country="IE")
    ContactFactory(organisation=irish, name="Ida Irish")
    # Retail was heard last autumn; logistics never: it is the region's facet gap.
    held = MeetingFactory(
        owner=owner,
        region=region,
        starts_at=dt.datetime(2025, 10, 1, 10, tzinfo=dt.UTC),
        ends_at=dt.datetime(2025, 10, 1, 12, tzinfo=dt.UTC),
        status=Meeting.Status.HELD,
    )
    BookingFactory(meeting=held, contact=met.contacts.get(), attended=True)
    april = MeetingFactory(
        owner=owner,
        region=region,
        country="GB",
        title="April leadership, London",
        starts_at=APRIL,
        ends_at=APRIL + dt.timedelta(hours=3),
        agenda=True,
    )
    return {"owner": owner, "region": region, "april": april, "gap": gap, "met": met}


def _page(client, user):
    client.force_login(user)
    return client.get(reverse("invitations:proposals"))


def test_each_country_without_a_customer_guest_next_month_is_proposed(client, world):
    response = _page(client, world["owner"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "Guests for April 2026, proposed" in html
    assert "United Kingdom" in html
    assert "Ireland" in html
    assert "April leadership, London" in html


def test_a_country_with_a_customer_guest_booked_is_not_proposed(client, world):
    BookingFactory(meeting=world["april"], contact=world["met"].contacts.get())
    html = _page(client, world["owner"]).content.decode()
    assert "United Kingdom" not in html
    assert "Ireland" in html


def test_an_organisation_filling_a_facet_gap_comes_first(client, world):
    html = _page(client, world["owner"]).content.decode()
    assert html.index("Fills The Gap Ltd") < html.index("Met Often Ltd")
    assert "Logistics" in html


def test_a_country_without_a_meeting_next_month_says_so_and_links_to_create(client, world):
    html = _page(client, world["owner"]).content.decode()
    assert "There is no meeting in Ireland next month yet." in html
    assert reverse("meetings:create") in html
    # No meeting to book into: no button for Ireland's proposal.
    assert "Book Ida Irish" not in html


def test_booking_a_proposal_books_the_guest_and_drafts_the_invitation(client, world):
    client.force_login(world["owner"])
    contact = world["gap"].contacts.get()
    response = client.post(
        reverse("invitations:proposal_accept"),
        {"contact": contact.pk, "meeting": world["april"].pk},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("invitations:meeting", args=[world["april"].pk])
    assert Booking.objects.filter(meeting=world["april"], contact=contact).count() == 1
    invitation = MeetingInvitation.objects.get(meeting=world["april"])
    assert invitation.sent_at is None  # drafted, not sent
    assert not OutboxMail.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "The invitation is drafted below" in page


def test_a_double_submission_books_once(client, world):
    client.force_login(world["owner"])
    data = {"contact": world["gap"].contacts.get().pk, "meeting": world["april"].pk}
    client.post(reverse("invitations:proposal_accept"), data)
    response = client.post(reverse("invitations:proposal_accept"), data, follow=True)
    assert Booking.objects.filter(meeting=world["april"]).count() == 1
    assert "nothing was booked twice" in response.content.decode()


def test_a_leader_of_another_region_cannot_book_the_proposal(client, world):
    other = leader(username="gm-fr")
    RegionFactory(name="France", countries=["FR"]).leaders.add(other)
    client.force_login(other)
    response = client.post(
        reverse("invitations:proposal_accept"),
        {"contact": world["gap"].contacts.get().pk, "meeting": world["april"].pk},
        follow=True,
    )
    assert not Booking.objects.filter(meeting=world["april"]).exists()
    html = response.content.decode()
    assert "no longer open to you" in html
    assert "Fills The Gap Ltd" not in html


def test_a_meeting_in_another_country_is_refused(client, world):
    client.force_login(world["owner"])
    response = client.post(
        reverse("invitations:proposal_accept"),
        {
            "contact": ContactFactory(
                organisation=OrganisationFactory(region=world["region"], country="IE")
            ).pk,
            "meeting": world["april"].pk,
        },
        follow=True,
    )
    assert not Booking.objects.filter(meeting=world["april"]).exists()
    assert "is not next month&#x27;s meeting in Ireland" in response.content.decode()


def test_a_meeting_the_leader_does_not_manage_is_named_not_offered(client, world):
    Meeting.objects.filter(pk=world["april"].pk).update(owner=leader(username="someone"))
    html = _page(client, world["owner"]).content.decode()
    assert "run by another leader" in html
    assert "and draft the invitation" not in html


@pytest.mark.parametrize("role", [facilitator, executive])
def test_only_leaders_and_administrators_open_the_page(client, world, role):
    assert _page(client, role()).status_code == 403


def test_the_page_reads_a_constant_number_of_queries(client, world, django_assert_max_num_queries):
    for n in range(6):
        org = OrganisationFactory(region=world["region"], country="IE", name=f"Extra {n}")
        ContactFactory(organisation=org)
    client.force_login(world["owner"])
    with django_assert_max_num_queries(19):
        assert client.get(reverse("invitations:proposals")).status_code == 200


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_book_once(postgres):
    import threading

    from django.db import connection

    from invitations.proposals import proposal_book

    owner = leader(username="gm-race")
    meeting = MeetingFactory(owner=owner, agenda=True)
    contact = ContactFactory()
    barrier = threading.Barrier(2)
    booked: list[bool] = []

    def submit():
        try:
            barrier.wait()
            booking, _invitation = proposal_book(meeting=meeting, contact=contact, by=owner)
            booked.append(booking is not None)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(booked) == [False, True]
    assert Booking.objects.filter(meeting=meeting, contact=contact).count() == 1
    assert MeetingInvitation.objects.filter(meeting=meeting).count() == 1
