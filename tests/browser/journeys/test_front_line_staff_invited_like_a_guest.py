"""Journey: a leader invites a front-line colleague to the Employees item by name and
email (no account), sends the invitation, and the colleague accepts from the link in
the mail on a phone; the leader sees the answer."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from invitations import services as invitations
from meetings.models import Booking, Section
from outbox.models import OutboxMail
from tests.browser.journeys.conftest import accessible, fits_375, log_in, new_person
from tests.browser.journeys.invited import book_guest, invitation_mail, link_in, meeting_ahead
from tests.factories import (
    AgendaItemFactory,
    leader,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "kwame.asante@ours.example"


@pytest.fixture
def meeting():
    owen = leader(username="owen", first_name="Owen", last_name="Price")
    meeting = meeting_ahead(
        days=21,
        at=dt.time(9, 0),
        length=dt.timedelta(hours=3),
        owner=owen,
        title="UK leadership meeting — May",
        place="Head office, Bristol",
    )
    AgendaItemFactory(
        meeting=meeting,
        section=Section.EMPLOYEES,
        title="From the front line: returns desk",
        position=1,
    )
    book_guest(meeting, organisation="Vale Garden Centres", name="Harriet Vale")
    assert invitations.invitation_send(meeting=meeting, user=owen) == 1
    return meeting


def accept_link_in_the_mail(email: str) -> str:
    mail = invitation_mail(email)
    assert "to speak for the front line" in mail.text_body
    return link_in(mail, "Accept")


def test_leader_invites_a_front_line_colleague_who_accepts_on_a_phone(
    page, browser, live_server, meeting, steps
):
    log_in(page, "owen")
    page.goto(f"/meetings/{meeting.pk}/guests/")
    staff = page.get_by_role("region", name="Invite front-line staff")
    expect(staff).to_contain_text("They count as our staff")
    # A typo first: the page says what is wrong and keeps the name.
    staff.get_by_label("Name").fill("Kwame Asante")
    staff.get_by_label("Email").fill("kwame.asante@")
    staff.get_by_role("button", name="Book front-line staff").click()
    staff = page.get_by_role("region", name="Invite front-line staff")
    expect(staff).to_contain_text("Enter an email address such as name@example.com.")
    expect(staff.get_by_label("Name")).to_have_value("Kwame Asante")
    steps.shot(page, "01 a typo is explained and the name kept", locator=staff)
    staff.get_by_label("Email").fill(EMAIL)
    staff.get_by_role("button", name="Book front-line staff").click()

    expect(page.get_by_text("Kwame Asante is booked as front-line staff.")).to_be_visible()
    guests = page.locator("#guests")
    expect(guests).to_contain_text("Kwame Asante")
    expect(guests).to_contain_text("Our front-line staff")
    steps.shot(page, "02 booked beside the customer guest", locator=guests)

    page.goto(f"/invitations/meeting/{meeting.pk}/")
    page.get_by_role("button", name="Send to 1 guest").click()
    row = page.get_by_role("row", name=re.compile("Kwame Asante"))
    expect(row).to_contain_text("Sent")
    expect(row).to_contain_text("Our front-line staff")

    # The colleague, on a phone, with no account, taps Accept in the mail.
    context, phone = new_person(browser, live_server, phone=True)
    phone.goto(accept_link_in_the_mail(EMAIL))
    expect(
        phone.get_by_role("heading", level=1, name="UK leadership meeting — May")
    ).to_be_visible()
    expect(phone.get_by_text("Invitation for Kwame Asante")).to_be_visible()
    expect(phone.get_by_role("radio", name="Yes, I will attend")).to_be_checked()
    accessible(phone)
    fits_375(phone)
    phone.get_by_label("I will respect the Chatham House Rule", exact=False).check()
    steps.shot(phone, "03 the colleague accepts on a phone", full_page=True)
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_text("your answer is saved", exact=False)).to_be_visible()
    assert all(c["name"] != "sessionid" for c in context.cookies())
    context.close()

    page.reload()
    row = page.get_by_role("row", name=re.compile("Kwame Asante"))
    expect(row).to_contain_text("Accepted")
    steps.shot(page, "04 leader sees the answer")
    booking = Booking.objects.get(meeting=meeting, contact__email=EMAIL)
    assert booking.rsvp == Booking.Rsvp.ACCEPTED
    assert booking.contact.organisation is None
    # One invitation to the colleague, whatever was clicked.
    assert OutboxMail.objects.filter(kind="invitation", recipient=EMAIL).count() == 1
