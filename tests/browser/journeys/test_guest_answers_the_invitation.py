"""Journey 2: a guest opens the RSVP link in the invitation mail and accepts; the leader
sees the answer on the meeting's invitations page."""

import re

import pytest
from playwright.sync_api import expect

from invitations import services as invitations
from meetings.models import Booking, Section
from tests.browser.journeys.conftest import accessible, fits_375, log_in, new_person
from tests.browser.journeys.invited import book_guest, invitation_mail, link_in, meeting_ahead
from tests.factories import (
    BookingFactory,
    ContactFactory,
    leader,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def invited():
    lena = leader(username="lena", first_name="Lena", last_name="Laurent")
    meeting = meeting_ahead(
        agenda=[(Section.CUSTOMER, "How do you see us?"), (Section.FINANCE, "Quarterly results")],
        owner=lena,
        title="France customer panel — spring",
        time_zone="Europe/Paris",
        country="FR",
        place="Siège, 12 rue de la Paix, Paris",
        objectives="Hear how our customers see us, and agree what to change.",
    )
    amelie = book_guest(
        meeting,
        organisation="Boulangeries Réunies",
        name="Amélie Durand",
        email="amelie.durand@boulangeries.example",
        time_zone="Europe/Paris",
        # She told us she reads English; without that she would read French,
        # the meeting's country's language (the German journey shows that path).
        language="en",
    )
    for name in ("Chloé Martin", "Hugo Bernard"):
        BookingFactory(meeting=meeting, contact=ContactFactory(name=name))
    assert invitations.invitation_send(meeting=meeting, user=lena) == 3
    return meeting, amelie


def accept_link_in_the_mail(email: str) -> str:
    """The Accept link exactly as it stands in the mail the guest received."""
    return link_in(invitation_mail(email), "Accept")


def test_guest_accepts_from_the_mail_and_the_leader_sees_it(
    page, browser, live_server, invited, steps
):
    meeting, amelie = invited
    log_in(page, "lena")
    page.goto(f"/invitations/meeting/{meeting.pk}/")
    row = page.get_by_role("row", name=re.compile("Amélie Durand"))
    expect(row).to_contain_text("Not answered")
    steps.shot(page, "01 leader waits for answers")

    # The guest, on her phone, with no account, taps Accept in the mail.
    context, guest = new_person(browser, live_server, phone=True)
    guest.goto(accept_link_in_the_mail("amelie.durand@boulangeries.example"))
    expect(
        guest.get_by_role("heading", level=1, name="France customer panel — spring")
    ).to_be_visible()
    expect(guest.get_by_role("radio", name="Yes, I will attend")).to_be_checked()
    accessible(guest)
    fits_375(guest)
    steps.shot(guest, "02 guest opens the link", full_page=True)
    guest.get_by_label("I will respect the Chatham House Rule", exact=False).check()
    guest.get_by_label("Accessibility or dietary needs (optional)").fill("Step-free access")
    steps.shot(guest, "03 guest accepts", full_page=True)
    guest.get_by_role("button", name="Send my answer").click()
    expect(guest.get_by_text("your answer is saved", exact=False)).to_be_visible()
    steps.shot(guest, "04 guest answer saved", full_page=True)
    assert context.cookies() == [] or all(c["name"] != "sessionid" for c in context.cookies())
    context.close()

    # The leader reloads the invitations page and sees the answer and the need.
    page.reload()
    row = page.get_by_role("row", name=re.compile("Amélie Durand"))
    expect(row).to_contain_text("Accepted")
    expect(row).to_contain_text("Chatham House Rule acknowledged")
    expect(row).to_contain_text("Step-free access")
    steps.shot(page, "05 leader sees the answer")
    amelie.refresh_from_db()
    assert amelie.rsvp == Booking.Rsvp.ACCEPTED
