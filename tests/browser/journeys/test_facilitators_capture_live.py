"""Journey 3: two facilitators capture feedback live on one meeting, one of them by
keyboard alone; a guest adds a comment from the meeting link; everyone capturing sees
every item, and the names typed in are redacted."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from feedback.models import FeedbackItem
from meetings.models import Meeting
from tests.browser.journeys.conftest import accessible, fits_375, log_in, new_person
from tests.factories import (
    BookingFactory,
    ContactFactory,
    MeetingFactory,
    OrganisationFactory,
    facilitator,
    leader,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (Alt shortcut for the kind, Alt shortcut for the sentiment, what was said)
FEMI_SAYS = [
    ("1", "9", "Will Baker says the engineers from Acme Logistics are excellent"),
    ("2", "7", "When something breaks we are passed from person to person"),
    ("3", "8", "Send us the service levels you measure, every month"),
    ("5", "8", "We expect the phone to be answered within a minute"),
]
INGRID_SAYS = [
    ("Concern", "Negative", "Invoices arrive late and often wrong"),
    ("Question", "Neutral", "Who owns our account after the reorganisation?"),
    ("Praise", "Positive", "The new portal is much faster"),
]
# After the facilitators move on to the next agenda section (Employees).
LATER = [
    (
        "Concern",
        "Negative",
        "Zoë O'Connor-Lund from Northwind Traders waited four months for onboarding",
    ),
    ("Idea", "Positive", "Let front-line staff refund small amounts themselves"),
    ("Concern", "Negative", "Staff turnover means we explain ourselves again and again"),
]


@pytest.fixture
def running():
    now = timezone.now()
    acme = OrganisationFactory(name="Acme Logistics")
    northwind = OrganisationFactory(name="Northwind Traders")
    femi = facilitator(username="femi", first_name="Femi", last_name="Adeyemi")
    ingrid = facilitator(username="ingrid", first_name="Ingrid", last_name="Solberg")
    meeting = MeetingFactory(
        title="Northern region leadership meeting",
        owner=leader(username="lena", first_name="Lena"),
        facilitators=[femi, ingrid],
        status=Meeting.Status.INVITED,
        starts_at=now - dt.timedelta(minutes=20),
        ends_at=now + dt.timedelta(hours=2),
    )
    BookingFactory(meeting=meeting, contact=ContactFactory(organisation=acme, name="Will Baker"))
    BookingFactory(
        meeting=meeting,
        contact=ContactFactory(organisation=northwind, name="Zoë O'Connor-Lund"),
    )
    BookingFactory(meeting=meeting, contact=ContactFactory(name="Grace Hopper"))
    return meeting


def keyboard_item(page, kind: str, sentiment: str, text: str) -> None:
    """Kind and sentiment by their Alt shortcuts, the words typed, Enter saves."""
    page.keyboard.press(f"Alt+{kind}")
    page.keyboard.press(f"Alt+{sentiment}")
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    expect(page.get_by_role("textbox", name="What was said")).to_have_value("")


def mouse_item(page, kind: str, sentiment: str, text: str) -> None:
    page.locator("#kind-choices").get_by_text(kind, exact=True).click()
    page.locator("#sentiment-choices").get_by_text(sentiment, exact=True).click()
    field = page.get_by_role("textbox", name="What was said")
    field.fill(text)
    page.get_by_role("button", name="Save item").click()
    expect(field).to_have_value("")


def test_two_facilitators_and_a_guest_capture_one_meeting(browser, live_server, running, steps):
    femi_context, femi = new_person(browser, live_server)
    ingrid_context, ingrid = new_person(browser, live_server)
    log_in(femi, "femi")
    expect(femi.get_by_role("heading", name="What to do next")).to_be_visible()
    steps.shot(femi, "01 facilitator home")
    log_in(ingrid, "ingrid")
    capture = f"/feedback/meetings/{running.pk}/capture/"
    femi.goto(capture)
    ingrid.goto(capture)
    expect(femi.get_by_role("heading", level=1)).to_have_text(
        "Capture: Northern region leadership meeting"
    )
    accessible(femi)
    steps.shot(femi, "02 capture page")

    # Femi works by keyboard alone: Tab to the text field, then shortcuts and Enter.
    what_was_said = femi.get_by_role("textbox", name="What was said")
    for _ in range(40):
        if what_was_said.evaluate("e => e === document.activeElement"):
            break
        femi.keyboard.press("Tab")
    expect(what_was_said).to_be_focused()
    for kind, sentiment, text in FEMI_SAYS:
        keyboard_item(femi, kind, sentiment, text)
    for kind, sentiment, text in INGRID_SAYS:
        mouse_item(ingrid, kind, sentiment, text)
    steps.shot(femi, "03 capturing by keyboard")

    # Femi moves everyone on to the next agenda section (Alt+N), still by keyboard; the
    # page says the section is shared, and Ingrid's page says who moved it.
    expect(femi.get_by_text("moves everyone capturing this meeting")).to_be_visible()
    femi.keyboard.press("Alt+N")
    expect(ingrid.get_by_role("combobox", name="Agenda section")).to_have_value(
        "employees", timeout=5000
    )
    expect(ingrid.get_by_role("status").filter(has_text="Another facilitator moved")).to_have_text(
        "Another facilitator moved everyone to: Employees"
    )
    what_was_said.focus()
    for kind, sentiment, text in LATER[:1]:
        keyboard_item(femi, {"Concern": "2"}[kind], {"Negative": "7"}[sentiment], text)
    for kind, sentiment, text in LATER[1:]:
        mouse_item(ingrid, kind, sentiment, text)

    # A guest scans the QR code shown on the capture page and adds a comment of her own.
    guest_link = femi.get_by_role("region", name="Guests' own comments").get_by_role("link")
    href = guest_link.get_attribute("href")
    guest_context, guest = new_person(browser, live_server, phone=True)
    guest.goto(re.sub(r"^https?://[^/]+", "", href))
    expect(guest.get_by_role("heading", level=1, name="Your comment")).to_be_visible()
    guest.get_by_role("radio", name="An idea or a wish").check()
    guest.get_by_role("textbox", name="Your comment").fill(
        "Grace Hopper would like a quarterly review with the same people each time"
    )
    accessible(guest)
    fits_375(guest)
    steps.shot(guest, "04 guest comment", full_page=True)
    guest.get_by_role("button", name="Send comment").click()
    expect(guest.get_by_text("your comment was added")).to_be_visible()
    steps.shot(guest, "05 guest comment sent", full_page=True)
    # No session: the only cookie is Django's random CSRF token, stored with nothing.
    assert [c["name"] for c in guest_context.cookies()] == ["csrftoken"]

    # Both facilitators see all eleven items, without reloading; nobody is named.
    expected = [
        "[person] says the engineers from [organisation] are excellent",
        "Invoices arrive late and often wrong",
        "[person] from [organisation] waited four months for onboarding",
        "[person] would like a quarterly review with the same people each time",
        "Let front-line staff refund small amounts themselves",
    ]
    for page in (femi, ingrid):
        listing = page.locator("#capture-items")
        expect(page.locator("#capture-count")).to_have_text("11", timeout=6000)
        expect(listing.locator("li")).to_have_count(11)
        for text in expected:
            expect(listing.get_by_text(text)).to_be_visible()
        for name in ("Will Baker", "Acme", "Zoë", "Northwind", "Grace Hopper"):
            expect(listing.get_by_text(name)).to_have_count(0)
    accessible(ingrid)
    steps.shot(ingrid, "06 both see every item", full_page=True)

    items = FeedbackItem.objects.filter(meeting=running)
    assert items.count() == 11
    assert {i.kind for i in items} == {"praise", "concern", "idea", "question", "expectation"}
    assert {i.section for i in items} == {"customer", "employees"}
    assert items.filter(source="guest_link").count() == 1
    stored = " ".join(items.values_list("text", flat=True))
    for name in ("Will Baker", "Acme", "Zoë", "Northwind", "Grace"):
        assert name not in stored
    for context in (femi_context, ingrid_context, guest_context):
        context.close()
