"""Journey 4: after the meeting the facilitator rates it 4F; the leader turns a concern
into an action, marks it done, and sends the "you said, we did" follow-up."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actions import followup
from actions.models import Action, FollowUp
from feedback.models import FeedbackItem
from meetings.models import Meeting, Section
from outbox.models import OutboxMail
from tests.browser.journeys.conftest import accessible, fits_375, log_in, new_person
from tests.factories import (
    ActionFactory,
    BookingFactory,
    ContactFactory,
    FeedbackItemFactory,
    MeetingFactory,
    RegionFactory,
    facilitator,
    leader,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONCERN = "When something breaks we are passed from person to person"


@pytest.fixture
def held():
    lena = leader(username="lena", first_name="Lena", last_name="Laurent")
    femi = facilitator(username="femi", first_name="Femi", last_name="Adeyemi")
    start = timezone.now() - dt.timedelta(days=2)
    meeting = MeetingFactory(
        title="Northern region leadership meeting",
        region=RegionFactory(name="Nordics"),
        owner=lena,
        facilitators=[femi],
        status=Meeting.Status.HELD,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
    )
    for name in ("Will Baker", "Zoë Lund", "Grace Hopper"):
        BookingFactory(meeting=meeting, contact=ContactFactory(name=name), attended=True)
    for section, kind, sentiment, text in [
        (Section.CUSTOMER, "concern", "negative", CONCERN),
        (Section.CUSTOMER, "praise", "positive", "The engineers are excellent"),
        (Section.OPERATIONS, "idea", "positive", "Share the service levels you measure"),
        (Section.FINANCE, "concern", "negative", "Invoices arrive late and often wrong"),
    ]:
        FeedbackItemFactory(
            meeting=meeting, section=section, kind=kind, sentiment=sentiment, text=text
        )
    return meeting


def test_rate_act_and_tell_the_guests(page, browser, live_server, held, steps):
    # The facilitator rates the meeting.
    context, femi = new_person(browser, live_server)
    log_in(femi, "femi")
    femi.goto(f"/meetings/{held.pk}/")
    femi.get_by_label("4F").check()
    femi.get_by_label("Why?").fill("Frank concerns, a few ideas, and the guests felt heard.")
    rating = femi.locator(
        "section", has=femi.get_by_role("heading", name="What kind of meeting was it?")
    )
    steps.shot(femi, "01 facilitator rates the meeting", locator=rating)
    femi.get_by_role("button", name="Save the rating").click()
    expect(femi.get_by_text("Rated 4F.")).to_be_visible()
    context.close()
    held.refresh_from_db()
    assert held.kind == Meeting.Kind.FOUR_F

    # The leader reads what was said and turns a concern into an action.
    log_in(page, "lena")
    page.goto(f"/meetings/{held.pk}/")
    page.get_by_role("link", name="See captured feedback").click()
    concern = FeedbackItem.objects.get(text=CONCERN)
    item = page.locator(f"#item-{concern.pk}")
    expect(item).to_contain_text(CONCERN)
    steps.shot(page, "02 leader reads the feedback")
    item.get_by_role("link", name=f"New action from item {concern.number}").click()
    expect(page.get_by_role("heading", level=1, name="New action")).to_be_visible()
    expect(page.locator("blockquote")).to_have_text(CONCERN)
    page.get_by_label("Title").fill("One named advocate for every key customer")
    page.get_by_label("Owner").select_option(label="Lena Laurent")
    page.get_by_label("Due date").fill((timezone.localdate() + dt.timedelta(days=14)).isoformat())
    accessible(page)
    steps.shot(page, "03 new action from a concern")
    page.get_by_role("button", name="Create action").click()
    expect(page.get_by_text("created for Lena Laurent")).to_be_visible()

    # It is done: the leader says what was done, in words guests may read.
    page.get_by_label("Status", exact=True).select_option(label="Done")
    page.get_by_label("What was done").fill(
        "Every key customer now has one named advocate who stays until a case is solved."
    )
    page.get_by_role("button", name="Save status").click()
    expect(page.get_by_text("is now Done")).to_be_visible()
    accessible(page)
    steps.shot(page, "04 action done")
    action = Action.objects.get()
    assert action.feedback_item_id == concern.pk
    assert action.status == "done"

    # Another action, still open (from the finance concern).
    ActionFactory(meeting=held, title="Invoices checked before they leave", status="open")

    # "You said, we did": compose, preview, send.
    page.goto(f"/meetings/{held.pk}/")
    page.get_by_role("link", name="Write the follow-up").click()
    page.get_by_label("Introduction").fill(
        "Thank you for joining our leadership meeting. Here is what we did with what you said."
    )
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_role("heading", level=1, name="Preview: “you said, we did”")).to_be_visible()
    expect(page.get_by_text("Every key customer now has one named advocate")).to_be_visible()
    accessible(page)
    steps.shot(page, "05 follow-up preview", full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Send to guests").click()
    expect(page.get_by_text("is on its way to 3 guests")).to_be_visible()
    steps.shot(page, "06 follow-up sent")
    follow_up = FollowUp.objects.get(meeting=held)
    assert follow_up.is_published
    assert OutboxMail.objects.filter(kind="follow_up").count() == 3
    mail = OutboxMail.objects.filter(kind="follow_up").first()
    assert mail.subject == "You said, we did: Northern region leadership meeting"

    # A guest opens it on a phone: done under "We did", open under "we're working on".
    context, guest = new_person(browser, live_server, phone=True)
    url = followup.guest_url(follow_up=follow_up, booking=held.bookings.first())
    guest.goto(urlsplit(url).path)  # the mail names the public site; the test server stands in
    expect(guest.get_by_text("Northern region leadership meeting").first).to_be_visible()
    expect(guest.get_by_text("We did One named advocate for every key customer")).to_be_visible()
    expect(guest.get_by_text("Nothing else is finished yet; we’re working on:")).to_be_visible()
    expect(guest.get_by_text("Invoices checked before they leave, due in")).to_be_visible()
    expect(guest.get_by_text("We did nothing")).to_have_count(0)
    fits_375(guest)
    steps.shot(guest, "07 guest reads you said we did", full_page=True)
    context.close()
