"""Pages a person uses, in Chromium, at desktop width and at 375 px."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actions import services
from feedback.models import FeedbackItem
from meetings.models import Section
from tests.browser.a11y import assert_accessible
from tests.factories import (
    ActionFactory,
    BookingFactory,
    FeedbackItemFactory,
    MeetingFactory,
    RegionFactory,
    executive,
    facilitator,
    leader,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADVOCATE = "Give me one advocate who stays with me until it is solved"


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()


def fits_phone(page):
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 376 && !(e.closest('.table-wrap') && e.closest('.table-wrap') !== e))
            .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right + ' ' + getComputedStyle(e).overflowX)"""
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, wide


@pytest.fixture
def actions_world():
    me = leader(username="lena", first_name="Lena", last_name="Leader")
    helper = facilitator(username="femi", first_name="Femi", last_name="Facilitator")
    today = timezone.localdate()
    region = RegionFactory(name="United Kingdom & Ireland")
    meeting = MeetingFactory(title="March leadership meeting", region=region, owner=me)
    ActionFactory(
        title="Give every key customer one named advocate",
        owner=me,
        meeting=meeting,
        region=region,
        due_date=today - dt.timedelta(days=4),
    )
    ActionFactory(
        title="Send invoices on the first working day",
        owner=me,
        meeting=meeting,
        region=region,
        status="in_progress",
        due_date=today + dt.timedelta(days=10),
    )
    ActionFactory(
        title="Publish the support rota",
        owner=helper,
        region=region,
        status="done",
        due_date=today + dt.timedelta(days=3),
        what_was_done="On the portal.",
    )
    return me


def test_my_actions_and_overdue_on_desktop_and_phone(
    page, phone_page, actions_world, screenshot_dir
):
    log_in(page, "lena")
    page.goto("/actions/mine/")
    expect(page.get_by_role("heading", level=1, name="My actions")).to_be_visible()
    expect(
        page.get_by_role("link", name="Give every key customer one named advocate")
    ).to_be_visible()
    expect(page.get_by_text("Overdue", exact=True).first).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "actions-list.png", full_page=True)

    page.get_by_role("link", name="Give every key customer one named advocate").click()
    page.get_by_label("Status", exact=True).select_option("wont_do")
    page.get_by_role("button", name="Save status").click()
    expect(page.get_by_text("Say why the action won't be done.")).to_be_visible()
    page.get_by_label("Reason (for won't do)").fill(
        "A named advocate per customer is not affordable."
    )
    page.get_by_role("button", name="Save status").click()
    expect(page.get_by_text("is now Won't do")).to_be_visible()

    log_in(phone_page, "lena")
    phone_page.goto("/actions/")
    expect(phone_page.get_by_role("heading", level=1, name="Open actions")).to_be_visible()
    fits_phone(phone_page)
    phone_page.screenshot(path=screenshot_dir / "actions-list-phone.png", full_page=True)


def test_new_action_with_a_past_due_date_is_explained(page, actions_world):
    log_in(page, "lena")
    page.goto("/actions/new/")
    page.get_by_label("Title").fill("Ring every key account")
    page.get_by_label("Owner").select_option(label="Lena Leader")
    page.get_by_label("Due date").fill((timezone.localdate() - dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Create action").click()
    expect(page.get_by_text("is in the past; choose today or later")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Ring every key account")


def test_follow_up_preview_on_desktop_and_phone(page, phone_page, screenshot_dir):
    owner = leader(username="lena", first_name="Lena", last_name="Leader")
    start = timezone.now() - dt.timedelta(days=5)
    meeting = MeetingFactory(
        owner=owner,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        status="held",
        region=RegionFactory(name="Nordics"),
    )
    BookingFactory(meeting=meeting, attended=True)
    concern = FeedbackItemFactory(
        meeting=meeting,
        section=Section.CUSTOMER,
        text="When something breaks I am passed from person to person.",
    )
    idea = FeedbackItemFactory(
        meeting=meeting,
        section=Section.OPERATIONS,
        kind=FeedbackItem.Kind.IDEA,
        sentiment="positive",
        text="Share the service levels you measure with us each month.",
    )
    ActionFactory(
        meeting=meeting,
        feedback_item=concern,
        owner=owner,
        status="done",
        title="One named advocate for every key customer",
        what_was_done="Every key customer now has one named advocate until a case is solved.",
    )
    ActionFactory(
        meeting=meeting,
        feedback_item=idea,
        owner=owner,
        status="in_progress",
        title="Monthly service report to customers",
    )
    log_in(page, "lena")
    page.goto(f"/actions/meetings/{meeting.pk}/follow-up/")
    page.get_by_label("Introduction").fill("Thank you for joining our leadership meeting.")
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_role("heading", level=1, name="Preview: “you said, we did”")).to_be_visible()
    expect(page.get_by_text("Every key customer now has one named advocate")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "follow-up-preview.png", full_page=True)

    log_in(phone_page, "lena")
    phone_page.goto(f"/actions/meetings/{meeting.pk}/follow-up/preview/")
    expect(phone_page.get_by_role("button", name="Send to guests")).to_be_visible()
    fits_phone(phone_page)
    phone_page.screenshot(path=screenshot_dir / "follow-up-preview-phone.png", full_page=True)


def test_follow_up_reads_naturally_when_nothing_is_done_yet(page, phone_page, screenshot_dir):
    """The wording of issue #22: nothing done yet is said in a sentence (never "We did
    nothing"), open actions stand under "we're working on", never under "We did", and
    the meeting is named by its own title."""
    owner = leader(username="lena", first_name="Lena", last_name="Leader")
    start = timezone.now() - dt.timedelta(days=5)
    meeting = MeetingFactory(
        title="Nordics quarterly with customers",
        owner=owner,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        status="held",
        region=RegionFactory(name="Nordics"),
    )
    BookingFactory(meeting=meeting, attended=True)
    FeedbackItemFactory(
        meeting=meeting, section=Section.CUSTOMER, text="Your portal logs us out every hour."
    )
    idea = FeedbackItemFactory(
        meeting=meeting,
        section=Section.OPERATIONS,
        kind=FeedbackItem.Kind.IDEA,
        sentiment="positive",
        text="Share the service levels you measure with us each month.",
    )
    ActionFactory(
        meeting=meeting,
        feedback_item=idea,
        owner=owner,
        status="open",
        title="Monthly service report to customers",
    )
    ActionFactory(
        meeting=meeting,
        owner=owner,
        status="in_progress",
        title="Invoices checked before they leave",
    )
    log_in(page, "lena")
    page.goto(f"/actions/meetings/{meeting.pk}/follow-up/")
    page.get_by_label("Introduction").fill("Thank you for joining us.")
    page.get_by_role("button", name="Save and preview").click()
    body = page.locator(".follow-up")
    expect(body).to_contain_text("what we heard at “Nordics quarterly with customers”")
    expect(
        body.get_by_text(
            "We have not decided what to do about this yet; we will tell you when we have."
        )
    ).to_be_visible()
    expect(
        body.get_by_text("We’re working on Monthly service report to customers, due in")
    ).to_be_visible()
    expect(body.get_by_text("Nothing else is finished yet; we’re working on:")).to_be_visible()
    expect(body.get_by_text("Invoices checked before they leave, due in")).to_be_visible()
    expect(body.get_by_text(re.compile(r"We did"))).to_have_count(0)
    expect(body.get_by_text("leadership meeting")).to_have_count(0)
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "follow-up-nothing-done-yet.png", full_page=True)

    log_in(phone_page, "lena")
    phone_page.goto(f"/actions/meetings/{meeting.pk}/follow-up/preview/")
    expect(
        phone_page.get_by_text("Nothing else is finished yet; we’re working on:")
    ).to_be_visible()
    fits_phone(phone_page)
    phone_page.screenshot(
        path=screenshot_dir / "follow-up-nothing-done-yet-phone.png", full_page=True
    )


@pytest.fixture
def charter_world():
    owner = leader(username="lena", first_name="Lena", last_name="Leader")
    executive(username="esme")
    region = RegionFactory(name="UK & Ireland")
    region.leaders.add(owner)  # a leader writes the charters of the regions they lead
    charter = services.charter_create(name="UK & Ireland customer charter", region=region, by=owner)
    v1 = charter.versions.get()
    for category, text in [
        ("responsiveness", "Answer the phone within a minute"),
        ("communication", "Tell us about a problem before we notice it"),
        ("reliability", "Deliver on the day we agreed"),
    ]:
        services.charter_item_add(version=v1, by=owner, category=category, text=text)
    services.charter_version_mark_reviewed(version=v1, by=owner)
    services.charter_version_publish(version=v1, by=owner)
    phone_item = v1.items.get(category="responsiveness")
    measure = services.measure_create(
        item=phone_item,
        by=owner,
        name="Calls answered within a minute",
        unit="%",
        target=Decimal(90),
        direction="at_least",
    )
    month = timezone.localdate().replace(day=1)
    for back, value in enumerate(["96", "94", "85"]):
        m = (month - dt.timedelta(days=28 * back)).replace(day=1)
        services.measure_record(measure=measure, month=m, value=Decimal(value), by=owner)
    meeting = MeetingFactory(region=charter.region)
    for _ in range(3):
        BookingFactory(meeting=meeting, attended=True)
    for _ in range(2):
        fi = FeedbackItemFactory(
            meeting=meeting,
            kind=FeedbackItem.Kind.EXPECTATION,
            sentiment="negative",
            text="The phone is answered, then nothing happens.",
        )
        services.expectation_link(feedback_item=fi, charter=charter, by=owner, item=phone_item)
    v2 = services.charter_next_draft(charter=charter, by=owner)
    phone, tell, deliver = v2.items.order_by("position")
    services.charter_item_update(
        item=tell,
        by=owner,
        category="communication",
        text="Tell us about a problem, and what you are doing about it, before we notice it",
    )
    services.charter_item_delete(item=deliver, by=owner)
    fi = FeedbackItemFactory(
        meeting=meeting, kind=FeedbackItem.Kind.EXPECTATION, text="Stop shovelling me around."
    )
    services.expectation_link(feedback_item=fi, charter=charter, by=owner, label=ADVOCATE)
    services.expectation_promote(charter=charter, label=ADVOCATE, by=owner)
    return charter, v1, v2


def test_charter_page_and_diff_on_desktop_and_phone(
    page, phone_page, charter_world, screenshot_dir
):
    charter, v1, v2 = charter_world
    log_in(page, "lena")
    page.goto(f"/actions/charter/{charter.pk}/")
    expect(
        page.get_by_role("heading", level=1, name="UK & Ireland customer charter")
    ).to_be_visible()
    expect(page.get_by_text("We may be measuring the wrong things")).to_be_visible()
    expect(page.get_by_text("Published versions are read-only")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "charter.png", full_page=True)

    page.get_by_role("link", name="Compare versions").first.click()
    expect(page.get_by_role("heading", level=1, name="Compare versions 1 and 2")).to_be_visible()
    expect(page.get_by_text("1 added, 1 changed, 1 removed, 1 unchanged")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "charter-diff.png", full_page=True)

    log_in(phone_page, "lena")
    phone_page.goto(f"/actions/charter/{charter.pk}/")
    fits_phone(phone_page)
    phone_page.screenshot(path=screenshot_dir / "charter-phone.png", full_page=True)
    phone_page.goto(f"/actions/charter/{charter.pk}/diff/")
    fits_phone(phone_page)
    phone_page.screenshot(path=screenshot_dir / "charter-diff-phone.png", full_page=True)


def test_missing_from_charter_promotes_once(page, charter_world, screenshot_dir):
    charter, v1, v2 = charter_world
    meeting = MeetingFactory(region=charter.region)
    for _ in range(3):
        BookingFactory(meeting=meeting, attended=True)
    fi = FeedbackItemFactory(
        meeting=meeting, kind=FeedbackItem.Kind.EXPECTATION, text="Send the agenda a week ahead."
    )
    services.expectation_link(
        feedback_item=fi, charter=charter, by=v1.created_by, label="Agenda a week ahead"
    )
    log_in(page, "lena")
    page.goto(f"/actions/charter/{charter.pk}/missing/")
    expect(page.get_by_text("Heard 1 time").first).to_be_visible()
    expect(page.get_by_text("In draft version 2")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "charter-missing.png", full_page=True)
    page.get_by_role(
        "button", name=re.compile("Add to the next draft.*Agenda a week ahead")
    ).click()
    expect(page.get_by_text("“Agenda a week ahead” is now in draft version 2.")).to_be_visible()


def test_draft_page_lets_a_leader_add_an_item(page, charter_world):
    charter, v1, v2 = charter_world
    log_in(page, "lena")
    page.goto(f"/actions/charter/versions/{v2.pk}/")
    page.get_by_label("Category").select_option(label="Expertise")
    page.get_by_label("Text").fill("Know our business before the meeting")
    page.get_by_role("button", name="Add to version 2").click()
    expect(page.get_by_text("Know our business before the meeting")).to_be_visible()
