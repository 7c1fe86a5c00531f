"""Journey: after the meeting a guest keeps their own "you said, we did" page. On a
phone they read where each action stands and endorse an expectation of the charter;
the leader closes the last action, the guest hears once, and the charter shows how many
customer organisations endorse the expectation (#23)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actions import services
from actions.models import CharterEndorsement
from invitations.tokens import guest_page_token
from outbox.models import OutboxMail
from tests.browser.journeys.conftest import accessible, fits_375, log_in, new_person
from tests.factories import (
    ActionFactory,
    BookingFactory,
    ContactFactory,
    FeedbackItemFactory,
    MeetingFactory,
    OrganisationFactory,
    RegionFactory,
    heard_on_published_charter,
    leader,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADVOCATE = "One named advocate who stays with me until a case is solved"


@pytest.fixture
def followed_up():
    lena = leader(username="lena", first_name="Lena", last_name="Laurent")
    start = timezone.now() - dt.timedelta(days=2)
    meeting = MeetingFactory(
        title="Northern region leadership meeting",
        region=RegionFactory(name="Nordics"),
        owner=lena,
        status="held",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
    )
    bookings = [
        BookingFactory(
            meeting=meeting,
            attended=True,
            contact=ContactFactory(name=name, organisation=OrganisationFactory(name=org)),
        )
        for name, org in [
            ("Will Baker", "Baker Freight"),
            ("Zoë Lund", "Lund Retail"),
            ("Grace Hopper", "Hopper Systems"),
        ]
    ]
    concern = FeedbackItemFactory(
        meeting=meeting,
        kind="concern",
        sentiment="negative",
        text="When something breaks we are passed from person to person",
    )
    charter, item = heard_on_published_charter(
        by=lena, meeting=meeting, text=ADVOCATE, name="Nordic customer charter"
    )
    ActionFactory(
        meeting=meeting,
        feedback_item=concern,
        owner=lena,
        title="One named advocate for every key customer",
        status="done",
        what_was_done="Every key customer now has one named advocate.",
        completed_on=timezone.localdate() - dt.timedelta(days=1),
    )
    invoices = ActionFactory(
        meeting=meeting,
        owner=lena,
        title="Invoices checked before they leave",
        status="open",
        due_date=timezone.localdate() + dt.timedelta(days=30),
    )
    follow_up = services.follow_up_compose(
        meeting=meeting,
        by=lena,
        introduction="",
        closing="",
        feedback_items=meeting.feedback_items.all(),
    )
    services.follow_up_publish(follow_up=follow_up, by=lena)
    # Two other organisations have already answered from their own pages.
    for booking in bookings[1:]:
        services.charter_endorse(
            booking=booking, charter=charter, lineage=item.lineage, stance="agree"
        )
    return {"charter": charter, "bookings": bookings, "invoices": invoices, "lena": lena}


def test_guest_follows_the_actions_and_endorses_the_charter(
    page, browser, live_server, followed_up, steps
):
    will = followed_up["bookings"][0]
    path = f"/actions/guest/{guest_page_token(will)}/"

    # The guest opens the link from the follow-up mail on a phone.
    context, phone = new_person(browser, live_server, phone=True)
    phone.goto(path)
    expect(phone.get_by_role("heading", level=1, name="You said, we did")).to_be_visible()
    expect(phone.get_by_text("We did One named advocate for every key customer")).to_be_visible()
    expect(phone.get_by_text("Invoices checked before they leave, due in")).to_be_visible()
    for other in ("Zoë", "Lund", "Grace", "Hopper", "Baker Freight"):
        expect(phone.get_by_text(other)).to_have_count(0)
    fits_375(phone)
    accessible(phone)
    steps.shot(phone, "01 guest opens their page on a phone", full_page=True)

    # They agree with the expectation heard at their meeting.
    expectation = phone.locator(".guest-page__expectation", has_text=ADVOCATE)
    expectation.get_by_label("I agree").check()
    expectation.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_text("Thank you: your answer is saved.")).to_be_visible()
    expect(phone.get_by_text("Your organisation’s current answer: I agree")).to_be_visible()
    fits_375(phone)
    steps.shot(phone, "02 guest endorses the charter", locator=phone.locator("#charter"))
    assert CharterEndorsement.objects.filter(stance="agree").count() == 3

    # The leader closes the last open action: each guest hears once.
    log_in(page, "lena")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/actions/{followed_up['invoices'].pk}/")
    page.get_by_label("Status", exact=True).select_option(label="Done")
    page.get_by_label("What was done").fill("Every invoice is now checked before it leaves.")
    page.get_by_role("button", name="Save status").click()
    expect(page.get_by_text("is now Done")).to_be_visible()
    updates = OutboxMail.objects.filter(delivery_key__endswith=":update")
    assert updates.count() == 3
    assert sorted(updates.values_list("recipient", flat=True)) == sorted(
        b.contact.email for b in followed_up["bookings"]
    )

    # The charter counts the organisations that endorse it (three: shown).
    page.goto(f"/actions/charter/{followed_up['charter'].pk}/")
    expect(page.get_by_text("Endorsed by 3 customer organisations.")).to_be_visible()
    accessible(page)
    steps.shot(page, "03 charter shows the endorsements", full_page=True)

    # Back on the guest's page, at a desk this time: everything is done, with its date.
    desk = context.browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    guest = desk.new_page()
    guest.goto(path)
    expect(guest.get_by_text("Every invoice is now checked before it leaves.")).to_be_visible()
    expect(guest.get_by_text("we’re working on")).to_have_count(0)
    accessible(guest)
    steps.shot(guest, "04 guest page at a desk after the update", full_page=True)
    desk.close()
    context.close()
