"""Journey: a German guest opens the RSVP link of her German invitation on her phone
(375 px, a browser set to English) and accepts — every step found by its German role
and label."""

import re

import pytest
from playwright.sync_api import expect

from invitations import services as invitations
from meetings.models import Booking, Section
from tests.browser.journeys.conftest import accessible, fits_375
from tests.browser.journeys.invited import book_guest, invitation_mail, link_in, meeting_ahead
from tests.factories import leader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def invited():
    owner = leader(username="katrin", first_name="Katrin", last_name="Albers")
    meeting = meeting_ahead(
        agenda=[(Section.CUSTOMER, "Wie sehen Sie uns?"), (Section.FINANCE, "Quartalszahlen")],
        owner=owner,
        title="Kundenbeirat Süd — Frühjahr",
        time_zone="Europe/Berlin",
        country="DE",
        place="Zentrale, Leopoldstraße 12, München",
        objectives="Hören, wie unsere Kunden uns sehen, und vereinbaren, was wir ändern.",
    )
    greta = book_guest(
        meeting,
        organisation="Stadtwerke Isartal",
        name="Greta Hoffmann",
        email="greta.hoffmann@stadtwerke.example",
        language="de",
        time_zone="Europe/Berlin",
    )
    assert invitations.invitation_send(meeting=meeting, user=owner) == 1
    return meeting, greta


def accept_link_in_the_german_mail(email: str) -> str:
    """The "Zusagen" link exactly as it stands in the German mail the guest received."""
    mail = invitation_mail(email)
    assert mail.subject == "Einladung: Kundenbeirat Süd — Frühjahr"
    assert mail.text_body.startswith("Guten Tag Greta Hoffmann,")
    return link_in(mail, "Zusagen")


def test_german_guest_accepts_her_german_invitation_on_a_phone(
    browser, live_server, invited, steps
):
    meeting, greta = invited
    # Her phone's browser asks for English; her invitation is German all the same.
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
    )
    context.set_default_timeout(10_000)
    guest = context.new_page()
    guest.goto(accept_link_in_the_german_mail("greta.hoffmann@stadtwerke.example"))

    expect(guest.locator("html")).to_have_attribute("lang", "de")
    expect(
        guest.get_by_role("heading", level=1, name="Kundenbeirat Süd — Frühjahr")
    ).to_be_visible()
    expect(guest.get_by_text(re.compile(r"\d{2}:\d{2}–\d{2}:\d{2} Uhr"))).to_be_visible()
    expect(guest.get_by_role("heading", name="Die Chatham-House-Regel")).to_be_visible()
    expect(guest.get_by_role("group", name="Nehmen Sie teil?")).to_be_visible()
    expect(guest.get_by_role("radio", name="Ja, ich nehme teil")).to_be_checked()
    accessible(guest)
    fits_375(guest)
    steps.shot(guest, "01 guest opens the German invitation", full_page=True)

    # Accepting without the acknowledgement is refused, in German.
    guest.get_by_role("button", name="Antwort senden").click()
    expect(
        guest.get_by_text("Bitte bestätigen Sie, dass Sie sich an die Chatham-House-Regel halten.")
    ).to_be_visible()
    steps.shot(guest, "02 the acknowledgement is needed", full_page=True)

    guest.get_by_label("Ich halte mich an die Chatham-House-Regel", exact=False).check()
    guest.get_by_label("Bedürfnisse zu Barrierefreiheit oder Ernährung (optional)").fill(
        "Stufenloser Zugang"
    )
    guest.get_by_role("button", name="Antwort senden").click()
    expect(guest.get_by_text("Ihre Antwort ist gespeichert", exact=False)).to_be_visible()
    expect(guest.get_by_role("radio", name="Ja, ich nehme teil")).to_be_checked()
    fits_375(guest)
    steps.shot(guest, "03 answer saved", full_page=True)
    context.close()

    greta.refresh_from_db()
    assert greta.rsvp == Booking.Rsvp.ACCEPTED
    assert greta.chatham_acknowledged_at is not None
    assert greta.needs == "Stufenloser Zugang"
