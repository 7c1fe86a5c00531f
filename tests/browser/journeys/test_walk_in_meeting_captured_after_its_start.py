"""Journey: a customer walked in this morning. After the meeting has started, a leader
records it — creates it, books the guest, marks it held and marks who attended — and
the facilitator captures what was said. Nobody is mailed: the guest was never invited
through the product."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail as django_mail
from playwright.sync_api import expect

from feedback.models import FeedbackItem
from meetings.models import Booking, Meeting
from tests.browser.journeys.conftest import accessible, fits_375, log_in, new_person
from tests.factories import (
    ContactFactory,
    OrganisationFactory,
    RegionFactory,
    facilitator,
    leader,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 3, 2, 11, 15, tzinfo=LONDON)


@pytest.fixture
def office():
    with time_machine.travel(NOW, tick=True):
        region = RegionFactory(name="United Kingdom", countries=["GB"], time_zone="Europe/London")
        lena = leader(username="lena", first_name="Lena", last_name="Laurent")
        region.leaders.add(lena)
        facilitator(username="femi", first_name="Femi", last_name="Adeyemi")
        ContactFactory(
            name="Priya Shah",
            organisation=OrganisationFactory(name="Northwind Freight", region=region),
        )
        yield region


def test_leader_records_a_walk_in_and_the_facilitator_captures_it(
    page, browser, live_server, office, steps
):
    log_in(page, "lena")
    page.goto("/meetings/new/")
    page.get_by_label("Title").fill("Walk-in: Northwind Freight")
    page.get_by_label("Starts").fill("2027-03-02T10:00")
    page.get_by_label("Ends").fill("2027-03-02T11:00")
    page.get_by_label("Place").fill("Head office, London")
    page.get_by_role("group", name="Facilitators").get_by_label("Femi Adeyemi").check()
    page.get_by_role("button", name="Create the meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Walk-in: Northwind Freight")
    meeting = Meeting.objects.get()

    # Started already: the page offers "Mark held", not an invitation that cannot go out.
    status = page.get_by_role("region", name="Status")
    expect(status).to_contain_text("already started")
    expect(status.get_by_role("button", name="Mark invited (no mail sent)")).to_have_count(0)
    steps.shot(page, "01 a meeting recorded after its start", full_page=True)

    page.goto(f"/meetings/{meeting.pk}/guests/")
    page.get_by_label(re.compile("Priya Shah")).check()
    page.get_by_role("button", name="Check and book").click()
    if page.get_by_role("button", name="Book anyway").count():
        page.get_by_role("button", name="Book anyway").click()
    expect(page.get_by_text("Priya Shah").first).to_be_visible()

    page.goto(f"/meetings/{meeting.pk}/")
    page.get_by_role("region", name="Status").get_by_role("button", name="Mark held").click()
    expect(page.get_by_text("The meeting is now held.")).to_be_visible()
    page.get_by_label("Attendance of Priya Shah").select_option(label="Attended")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved (1 changed).")).to_be_visible()
    accessible(page)
    steps.shot(page, "02 held, the guest attended", full_page=True)
    assert Booking.objects.get(meeting=meeting).attended is True

    # The facilitator captures what was said, after the start, on her phone.
    context, femi = new_person(browser, live_server, phone=True)
    log_in(femi, "femi")
    femi.goto(f"/meetings/{meeting.pk}/")
    femi.get_by_role("link", name="Open the capture page").click()
    said = femi.get_by_role("textbox", name="What was said")
    said.fill("Customs paperwork takes us three days; one contact would halve it.")
    said.press("Enter")
    expect(said).to_have_value("")
    expect(femi.get_by_text("Customs paperwork takes us three days", exact=False)).to_be_visible()
    fits_375(femi)
    steps.shot(femi, "03 captured after the start", full_page=True)
    context.close()

    assert FeedbackItem.objects.filter(meeting=meeting).count() == 1
    assert django_mail.outbox == []  # a walk-in guest gets no invitation, update or reminder
