"""Journey: a facilitator steers a running meeting. The balance meter warns that it is
turning into a Love-In and offers the Four F questions; a concern heard next is marked
"Recover now" and becomes the leader's action, due within 48 hours; on the phone the
meter is there too."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import Action
from meetings.models import Meeting, Section
from tests.browser.journeys.conftest import accessible, fits_375, log_in, new_person
from tests.factories import (
    AgendaItemFactory,
    BookingFactory,
    ContactFactory,
    MeetingFactory,
    OrganisationFactory,
    facilitator,
    leader,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRAISE = [
    "The new portal is much faster",
    "Your engineers are excellent",
    "Onboarding was smooth this year",
]
CONCERN = "Invoices arrive a month late and often wrong"


@pytest.fixture
def running():
    now = timezone.now()
    femi = facilitator(username="femi", first_name="Femi", last_name="Adeyemi")
    meeting = MeetingFactory(
        title="Northern region leadership meeting",
        owner=leader(username="lena", first_name="Lena", last_name="Berg"),
        facilitators=[femi],
        status=Meeting.Status.INVITED,
        starts_at=now - dt.timedelta(minutes=50),
        ends_at=now + dt.timedelta(hours=2),
    )
    for position, (section, minutes) in enumerate(
        [(Section.CUSTOMER, 45), (Section.OPERATIONS, 20), (Section.FINANCE, 15)]
    ):
        AgendaItemFactory(meeting=meeting, section=section, minutes=minutes, position=position)
    for name in ("Acme Logistics", "Northwind Traders"):
        BookingFactory(
            meeting=meeting, contact=ContactFactory(organisation=OrganisationFactory(name=name))
        )
    return meeting


def say(page, kind: str, sentiment: str, text: str) -> None:
    page.locator("#kind-choices").get_by_text(kind, exact=True).click()
    page.locator("#sentiment-choices").get_by_text(sentiment, exact=True).click()
    field = page.get_by_role("textbox", name="What was said")
    field.fill(text)
    page.get_by_role("button", name="Save item").click()
    expect(field).to_have_value("")


def test_facilitator_steers_the_meeting(browser, live_server, running, steps):
    # The guide's desktop pictures are 1280 px wide.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    femi = context.new_page()
    log_in(femi, "femi")
    femi.goto(f"/feedback/meetings/{running.pk}/capture/")
    meter = femi.get_by_role("region", name="Balance so far")
    expect(meter).to_be_visible()

    # Nothing but praise from the guests: the meter says it is turning into a Love-In,
    # with the questions that bring out frank feedback.
    for text in PRAISE:
        say(femi, "Praise", "Positive", text)
    expect(meter).to_contain_text("Turning into a Love-In", timeout=8000)
    expect(
        meter.get_by_role("listitem").filter(has_text="What would you stop doing with us?")
    ).to_be_visible()
    expect(meter).to_contain_text("3 from guests · 0 from our staff")
    meter.get_by_text("Time per section against its time box").click()
    expect(meter.get_by_role("row", name="Customer")).to_contain_text("of 45")
    accessible(femi)
    steps.shot(femi, "01 love-in warning", locator=meter)

    # The guests answer the question: a concern. The warning goes.
    say(femi, "Concern", "Negative", CONCERN)
    expect(meter).not_to_contain_text("Turning into", timeout=8000)
    expect(meter).to_contain_text("3 praise · 1 concerns and ideas")

    # Femi marks the concern "Recover now": the leader owns the action, due in 48 hours.
    row = femi.locator("li.capture-item").filter(has_text=CONCERN)
    expect(row.get_by_role("button", name="Recover now")).to_be_visible(timeout=8000)
    row.get_by_role("button", name="Recover now").click()
    expect(row.get_by_role("link", name="Recovery action owned by Lena Berg")).to_be_visible()
    action = Action.objects.get(recover_now=True)
    assert action.owner == running.owner
    assert (action.due_date - timezone.localdate()).days <= 2
    steps.shot(femi, "02 recover now", full_page=True)
    context.close()

    # On the phone, the meter sits between the field and the items.
    phone_context, phone = new_person(browser, live_server, phone=True)
    log_in(phone, "femi")
    phone.goto(f"/feedback/meetings/{running.pk}/capture/")
    phone_meter = phone.get_by_role("region", name="Balance so far")
    expect(phone_meter).to_contain_text("4 from guests · 0 from our staff")
    fits_375(phone)
    accessible(phone)
    phone_meter.scroll_into_view_if_needed()
    steps.shot(phone, "03 balance on a phone")
    phone_context.close()
