import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Booking, Section
from outbox.models import OutboxMail
from tests.browser.a11y import assert_accessible
from tests.browser.test_login import log_in
from tests.factories import (
    AgendaItemFactory,
    BookingFactory,
    ContactFactory,
    MeetingFactory,
    leader,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _roomy_guest_rate_limits(settings):
    # These tests open guests' links many times from one address; the limits themselves
    # are tested in test_views (own addresses) and tests/security.
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "rsvp": {"rate": "10000/h", "key": "ip"},
        "guest_link": {"rate": "10000/h", "key": "ip"},
    }


def booked_meeting():
    owner = leader(username="mail-leader", first_name="Lee", last_name="Leader")
    start = (timezone.now() + dt.timedelta(days=21)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    meeting = MeetingFactory(
        owner=owner,
        title="Northern region leadership meeting",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        objectives="Hear how our key customers see us, and agree what to change.",
    )
    for position, (section, title) in enumerate(
        [
            (Section.CUSTOMER, "What our customers told us this quarter"),
            (Section.EMPLOYEES, "Front-line staff: what gets in the way"),
            (Section.OPERATIONS, "Delivery times and service levels"),
            (Section.FINANCE, "Monthly results"),
        ]
    ):
        AgendaItemFactory(meeting=meeting, section=section, title=title, position=position)
    guests = [
        BookingFactory(
            meeting=meeting,
            contact=ContactFactory(name="Ada Lovelace", time_zone="America/New_York"),
        ),
        BookingFactory(meeting=meeting, contact=ContactFactory(name="Grace Hopper")),
        BookingFactory(meeting=meeting, contact=ContactFactory(name="Alan Turing")),
    ]
    return meeting, guests


def test_leader_previews_and_sends_invitations_then_follows_the_outbox(page, screenshot_dir):
    meeting, guests = booked_meeting()
    log_in(page, "mail-leader")
    page.goto(reverse("invitations:meeting", args=[meeting.pk]))
    expect(
        page.get_by_role("heading", name="Preview: Invitation: Northern region leadership meeting")
    ).to_be_visible()
    frame = page.frame_locator("iframe.mail-frame")
    expect(frame.get_by_text("Will you join us?")).to_be_visible()
    page.get_by_label("A few words from you (optional)").fill("We would value your frank view.")
    page.get_by_role("button", name="Save and preview").click()
    expect(frame.get_by_text("We would value your frank view.")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "invitation-preview.png", full_page=True)
    page.locator("iframe.mail-frame").screenshot(path=screenshot_dir / "invitation-mail.png")
    page.get_by_role("button", name="Send to 3 guests").click()
    expect(page.get_by_text("3 invitations queued")).to_be_visible()
    assert OutboxMail.objects.filter(kind="invitation", status="sent").count() == 3

    OutboxMail.objects.filter(render_args__booking=guests[2].pk, kind="reminder").update(
        status="failed", last_error="SMTPRecipientsRefused: 550 mailbox unavailable"
    )
    page.get_by_role("link", name="Outbox for this meeting").click()
    expect(
        page.get_by_role("heading", name="Outbox: Northern region leadership meeting")
    ).to_be_visible()
    expect(
        page.get_by_text("Failed: SMTPRecipientsRefused: 550 mailbox unavailable").first
    ).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "outbox.png", full_page=True)
    page.get_by_role("link", name="Invitation: Northern region leadership meeting").first.click()
    expect(page.get_by_role("heading", name="Plain text")).to_be_visible()
    expect(page.get_by_text("invite.ics")).to_be_visible()
    expect(page.frame_locator("iframe.mail-frame").get_by_text("Will you join us?")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "outbox-mail.png", full_page=True)


def test_outbox_and_invitation_pages_on_a_phone(phone_page, screenshot_dir):
    meeting, _guests = booked_meeting()
    log_in(phone_page, "mail-leader")
    phone_page.goto(reverse("invitations:meeting", args=[meeting.pk]))
    phone_page.get_by_role("button", name="Send to 3 guests").click()
    expect(phone_page.get_by_text("3 invitations queued")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    phone_page.screenshot(path=screenshot_dir / "invitation-preview-phone.png", full_page=True)
    phone_page.goto(reverse("outbox:list") + f"?meeting={meeting.pk}")
    expect(phone_page.get_by_text("Sent ", exact=False).first).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    phone_page.screenshot(path=screenshot_dir / "outbox-phone.png", full_page=True)


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_guest_accepts_from_the_link_without_an_account(device, request, screenshot_dir):
    from invitations.tokens import rsvp_token

    browser_page = request.getfixturevalue(device)
    meeting, guests = booked_meeting()
    ada = guests[0]
    browser_page.goto(reverse("invitations:rsvp", args=[rsvp_token(ada)]) + "?answer=accept")
    expect(
        browser_page.get_by_role("heading", level=1, name="Northern region leadership meeting")
    ).to_be_visible()
    expect(browser_page.get_by_text("(America/New York) where you are")).to_be_visible()
    expect(browser_page.get_by_role("radio", name="Yes, I will attend")).to_be_checked()
    assert_accessible(browser_page)
    suffix = "-phone" if device == "phone_page" else ""
    browser_page.screenshot(path=screenshot_dir / f"rsvp{suffix}.png", full_page=True)
    if device == "phone_page":
        assert browser_page.evaluate("document.documentElement.scrollWidth") <= 375
    browser_page.get_by_role("button", name="Send my answer").click()
    expect(
        browser_page.get_by_text("Please confirm you will respect the Chatham House Rule.").first
    ).to_be_visible()
    browser_page.get_by_label("I will respect the Chatham House Rule", exact=False).check()
    browser_page.get_by_label("Accessibility or dietary needs (optional)").fill("Vegetarian")
    browser_page.get_by_role("button", name="Send my answer").click()
    expect(browser_page.get_by_text("your answer is saved", exact=False)).to_be_visible()
    ada.refresh_from_db()
    assert ada.rsvp == Booking.Rsvp.ACCEPTED
    assert ada.needs == "Vegetarian"
