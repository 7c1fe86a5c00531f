"""Journey: a leader opens next month's proposed guests. Ireland has no meeting next
month (the page says so and links to creating one); for the United Kingdom the customer
who represents the facet nobody heard lately comes first, and one click books her and
drafts the invitation. Clicking twice books her once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from invitations.models import MeetingInvitation
from meetings.models import Booking, Meeting
from tests.browser.journeys.conftest import accessible, fits_375, log_in, new_person
from tests.factories import (
    BookingFactory,
    ContactFactory,
    FacetFactory,
    MeetingFactory,
    OrganisationFactory,
    RegionFactory,
    leader,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 3, 10, 9, 0, tzinfo=LONDON)
APRIL = dt.datetime(2027, 4, 14, 10, 0, tzinfo=LONDON)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def region(clock):
    lena = leader(username="lena", first_name="Lena", last_name="Laurent")
    region = RegionFactory(name="UK and Ireland", countries=["GB", "IE"])
    region.leaders.add(lena)
    retail, logistics = FacetFactory(name="Retail"), FacetFactory(name="Logistics")
    northwind = OrganisationFactory(name="Northwind Retail", region=region, facets=[retail])
    tom = ContactFactory(organisation=northwind, name="Tom Evans", job_title="Buyer")
    harbour = OrganisationFactory(name="Harbour Freight", region=region, facets=[logistics])
    ContactFactory(organisation=harbour, name="Priya Shah", job_title="Head of Operations")
    dublin = OrganisationFactory(name="Dublin Docks", region=region, country="IE")
    ContactFactory(organisation=dublin, name="Aoife Byrne", job_title="Chief Executive")
    autumn = dt.datetime(2026, 10, 7, 10, 0, tzinfo=LONDON)
    held = MeetingFactory(
        owner=lena,
        region=region,
        title="UK leadership — October",
        starts_at=autumn,
        ends_at=autumn + dt.timedelta(hours=3),
        status=Meeting.Status.HELD,
    )
    BookingFactory(meeting=held, contact=tom, attended=True)
    april = MeetingFactory(
        agenda=True,
        owner=lena,
        region=region,
        title="UK leadership — April",
        starts_at=APRIL,
        ends_at=APRIL + dt.timedelta(hours=3),
    )
    return {"april": april}


def _wide(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return context, context.new_page()


def test_leader_books_a_proposed_guest_and_drafts_the_invitation(
    browser, live_server, region, steps
):
    april = region["april"]
    context, page = _wide(browser, live_server)
    log_in(page, "lena")
    page.goto("/meetings/rhythm/")
    page.get_by_role("link", name="Next month's guests, proposed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Guests for April 2027, proposed")

    ireland = page.get_by_role("region", name="Ireland", exact=True)
    expect(ireland).to_contain_text("There is no meeting in Ireland next month yet.")
    expect(
        ireland.get_by_role("link", name="Create next month's meeting in Ireland")
    ).to_be_visible()
    uk = page.get_by_role("region", name="United Kingdom", exact=True)
    expect(uk).to_contain_text("UK leadership — April")
    # Logistics was not heard since October: Harbour Freight comes before Northwind.
    expect(uk.get_by_role("listitem").first).to_contain_text("Harbour Freight")
    expect(uk.get_by_role("listitem").first).to_contain_text("Logistics")
    accessible(page)
    steps.shot(page, "01 proposals for next month", full_page=True)

    uk.get_by_role("button", name="Book Priya Shah and draft the invitation").dblclick()
    expect(page.get_by_text("The invitation is drafted below", exact=False)).to_be_visible()
    assert Booking.objects.filter(meeting=april).count() == 1  # two clicks, one booking
    invitation = MeetingInvitation.objects.get(meeting=april)
    assert invitation.sent_at is None
    steps.shot(page, "02 booked and the invitation drafted")

    # Back on the proposals, the United Kingdom has its guest: only Ireland is left.
    page.goto("/invitations/next-month/")
    expect(page.get_by_role("region", name="United Kingdom", exact=True)).to_have_count(0)
    expect(page.get_by_role("region", name="Ireland", exact=True)).to_be_visible()
    context.close()

    context, phone = new_person(browser, live_server, phone=True)
    log_in(phone, "lena")
    phone.goto("/invitations/next-month/")
    expect(phone.get_by_role("region", name="Ireland", exact=True)).to_be_visible()
    fits_375(phone)
    steps.shot(phone, "03 on a phone", full_page=True)
    context.close()
