"""The capture page in Chromium: two facilitators, a failed save, a reload, a phone."""

import re
import uuid

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from feedback.models import FeedbackItem
from feedback.selectors import guest_link_token

pytestmark = [pytest.mark.browser]


def logged_in(context, user, live_server):
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def capture_url(meeting):
    return f"/feedback/meetings/{meeting.pk}/capture/"


def type_item(page, text):
    field = page.get_by_role("textbox", name="What was said")
    field.fill(text)
    field.press("Enter")
    expect(field).to_have_value("")
    expect(field).to_be_focused()


def test_two_facilitators_see_each_others_items(
    transactional_db, running, browser, live_server, screenshot_dir
):
    contexts = []
    pages = []
    for user in (running.facilitator, running.facilitator2):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        logged_in(context, user, live_server)
        page = context.new_page()
        page.goto(capture_url(running.meeting))
        contexts.append(context)
        pages.append(page)
    first, second = pages
    # Kind and sentiment by keyboard, then Enter.
    first.get_by_role("textbox", name="What was said").click()
    first.keyboard.press("Alt+1")
    first.keyboard.press("Alt+9")
    expect(first.get_by_role("radio", name=re.compile("Praise"))).to_be_checked()
    type_item(first, "Will Baker says the engineers from Acme are excellent")
    type_item(second, "Northwind wants one advocate until it is solved")
    for page in pages:
        listing = page.locator("#capture-items")
        # Each sees the other's item without reloading (polling every 1.5 s).
        expect(
            listing.get_by_text("[person] says the engineers from [organisation] are excellent")
        ).to_be_visible(timeout=4000)
        expect(
            listing.get_by_text("[organisation] wants one advocate until it is solved")
        ).to_be_visible(timeout=4000)
        expect(listing.locator("li")).to_have_count(2)
        expect(page.locator("#capture-count")).to_have_text("2")
        # The kind suggestion follows without a reload: two items, both from guests.
        expect(page.locator(".kind-suggestion")).to_contain_text(
            "Likely Advertisement", timeout=4000
        )
    praise = FeedbackItem.objects.get(number=1)
    assert (praise.kind, praise.sentiment) == ("praise", "positive")
    # The section moves on for both.
    first.keyboard.press("Alt+N")
    expect(second.get_by_role("combobox", name="Agenda section")).to_have_value(
        "employees", timeout=4000
    )
    first.screenshot(path=screenshot_dir / "feedback-capture-desktop.png", full_page=True)
    from tests.browser.a11y import assert_accessible

    assert_accessible(first)
    for context in contexts:
        context.close()


def test_failed_save_is_retried_without_a_duplicate(transactional_db, running, page, live_server):
    logged_in(page.context, running.facilitator, live_server)
    page.goto(capture_url(running.meeting))
    failures = {"left": 1}

    def fail_once_after_saving(route):
        if failures["left"] and route.request.method == "POST":
            failures["left"] -= 1
            route.fetch()  # the server saves it …
            route.fulfill(status=503, body="Service unavailable")  # … but the answer is lost
        else:
            route.continue_()

    page.route(re.compile(r".*/capture/items/$"), fail_once_after_saving)
    type_item(page, "The portal logs us out every ten minutes")
    pending = page.get_by_role("region", name="Not saved yet")
    expect(pending.get_by_text("The portal logs us out every ten minutes")).to_be_visible()
    expect(pending.get_by_role("status")).to_contain_text(
        "Not saved — connection or server problem"
    )
    pending.get_by_role("button", name="Retry").click()
    expect(pending).to_be_hidden()
    listing = page.locator("#capture-items")
    expect(listing.get_by_text("The portal logs us out every ten minutes")).to_have_count(1)
    page.wait_for_timeout(2000)  # one more poll: still one
    expect(listing.locator("li")).to_have_count(1)
    assert FeedbackItem.objects.count() == 1


def test_unsaved_text_survives_a_reload(transactional_db, running, page, live_server):
    logged_in(page.context, running.facilitator, live_server)
    page.goto(capture_url(running.meeting))
    page.route(re.compile(r".*/capture/items/$"), lambda route: route.abort())
    page.get_by_role("textbox", name="What was said").fill("A draft half typed")
    type_item(page, "Saved while offline")
    page.get_by_role("textbox", name="What was said").fill("A draft half typed")
    page.unroute(re.compile(r".*/capture/items/$"))
    page.reload()
    expect(page.get_by_role("textbox", name="What was said")).to_have_value("A draft half typed")
    # The item that failed before the reload is sent again, once.
    expect(page.locator("#capture-items").get_by_text("Saved while offline")).to_be_visible()
    assert FeedbackItem.objects.filter(text="Saved while offline").count() == 1


def test_capture_and_guest_pages_on_a_phone(
    transactional_db, running, phone_page, live_server, screenshot_dir
):
    from tests.browser.a11y import assert_accessible

    logged_in(phone_page.context, running.facilitator, live_server)
    phone_page.goto(capture_url(running.meeting))
    type_item(phone_page, "Onboarding took four months")
    expect(
        phone_page.locator("#capture-items").get_by_text("Onboarding took four months")
    ).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(phone_page)
    phone_page.screenshot(path=screenshot_dir / "feedback-capture-phone.png", full_page=True)

    guest = phone_page.context.browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    guest_page = guest.new_page()
    guest_page.goto(f"/feedback/g/{guest_link_token(meeting=running.meeting)}/")
    guest_page.get_by_role("radio", name="An idea or a wish").check()
    guest_page.get_by_role("textbox", name="Your comment").fill(
        "Zoë from Northwind would like quarterly reviews"
    )
    guest_page.get_by_role("button", name="Send comment").click()
    expect(guest_page.get_by_text("your comment was added")).to_be_visible()
    expect(
        guest_page.get_by_text("[person] from [organisation] would like quarterly reviews")
    ).to_be_visible()
    assert [c["name"] for c in guest.cookies()] == ["csrftoken"]
    assert guest_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(guest_page)
    guest_page.screenshot(path=screenshot_dir / "feedback-guest-comment-phone.png", full_page=True)
    guest.close()


def test_edit_in_place_redacts_again(transactional_db, running, page, live_server, screenshot_dir):
    from tests.browser.a11y import assert_accessible

    logged_in(page.context, running.facilitator, live_server)
    page.goto(capture_url(running.meeting))
    type_item(page, "The portal is slow")
    listing = page.locator("#capture-items")
    expect(listing.get_by_text("The portal is slow")).to_be_visible()
    listing.get_by_role("link", name="Edit item 1").click()
    field = listing.get_by_role("textbox", name="Item 1")
    field.fill("Will Baker at Globex says the portal is slow")
    page.screenshot(path=screenshot_dir / "feedback-capture-edit.png")
    listing.get_by_role("button", name="Save correction").click()
    expect(
        listing.get_by_text("[person] at [organisation] says the portal is slow")
    ).to_be_visible()
    assert FeedbackItem.objects.get().text == "[person] at [organisation] says the portal is slow"
    page.once("dialog", lambda dialog: dialog.accept())
    listing.get_by_role("button", name="Remove item 1").click()
    expect(listing.locator("li")).to_have_count(0)
    assert not FeedbackItem.objects.exists()
    assert_accessible(page)


def test_older_items_load_in_place_and_the_list_stays_live(
    transactional_db, running, browser, live_server
):
    FeedbackItem.objects.bulk_create(
        FeedbackItem(
            meeting=running.meeting,
            number=n,
            text=f"Earlier remark number {n}",
            meeting_date=running.meeting.starts_at.date(),
            idempotency_key=uuid.uuid4(),
        )
        for n in range(1, 121)
    )
    context = browser.new_context(base_url=live_server.url)
    logged_in(context, running.facilitator, live_server)
    page = context.new_page()
    page.goto(capture_url(running.meeting))
    listing = page.locator("#capture-items > li")
    expect(listing).to_have_count(50)
    expect(page.locator("#capture-count")).to_have_text("120")
    page.get_by_role("link", name="Older items").click()
    expect(listing).to_have_count(100)
    expect(page.locator("#item-" + str(FeedbackItem.objects.get(number=51).pk))).to_be_visible()
    page.get_by_role("link", name="Older items").click()
    expect(listing).to_have_count(120)
    expect(page.get_by_role("link", name="Older items")).to_have_count(0)
    expect(listing.last).to_contain_text("Earlier remark number 1")
    # Still live: a new item goes on top, and the count follows.
    type_item(page, "The newest remark of all")
    expect(listing.first).to_contain_text("The newest remark of all")
    expect(page.locator("#capture-count")).to_have_text("121")
    context.close()
