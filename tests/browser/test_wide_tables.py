"""Wide tables on narrow and wide screens: every column can be read (the table scrolls
sideways inside its own frame, its first column stays put), and badges stay one line."""

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from tests.browser.demo import demo_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/home/**")


def box(locator) -> dict:
    return locator.bounding_box()


@pytest.fixture
def clock():
    # The demo is built around "now": a fixed Monday morning makes the pages the same.
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC), tick=True):
        yield


def test_wide_tables(browser, live_server, screenshot_dir, clock):
    world = demo_world()
    wide = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    desk, mobile = wide.new_page(), phone.new_page()

    # The RSVP page on a phone: the agenda's minutes column is on the screen (in the
    # demo guest's own language, docs/i18n.md).
    mobile.goto(world["rsvp"])
    minutes = mobile.get_by_role("columnheader", name=re.compile(r"^(Minutes|Minuten|Minutos)$"))
    expect(minutes).to_be_visible()
    mobile.screenshot(path=screenshot_dir / "wide-rsvp-375.png", full_page=True)
    assert box(minutes)["x"] + box(minutes)["width"] <= 375

    # The rhythm at 1280 px: all twelve months on the screen, none behind the frame.
    log_in(desk, "leader")
    desk.goto("/meetings/rhythm/")
    frame = desk.locator(".rhythm-wrap")
    last_month = desk.get_by_role("columnheader").last
    desk.screenshot(path=screenshot_dir / "wide-rhythm-1280.png", full_page=True)
    assert box(last_month)["x"] + box(last_month)["width"] <= box(frame)["x"] + box(frame)["width"]
    assert frame.evaluate("e => e.scrollWidth <= e.clientWidth")

    # Status badges beside a two-line entry stay one line high.
    desk.goto("/home/leader/")
    badges = desk.get_by_role("region", name="Your next meetings").locator(".badge")
    assert badges.count()
    assert all(b["height"] < 30 for b in map(box, badges.all()))
    desk.screenshot(path=screenshot_dir / "wide-home-leader-1280.png", full_page=True)

    # On a phone the rhythm scrolls inside its frame; the country column stays put.
    log_in(mobile, "leader")
    mobile.goto("/meetings/rhythm/")
    frame = mobile.locator(".rhythm-wrap")
    assert frame.evaluate("e => e.scrollWidth > e.clientWidth")
    frame.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    country = mobile.get_by_role("rowheader").first
    assert box(country)["x"] >= box(frame)["x"] - 1
    mobile.screenshot(path=screenshot_dir / "wide-rhythm-375.png", full_page=True)
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 375
    mobile.goto("/home/leader/")
    mobile.screenshot(path=screenshot_dir / "wide-home-leader-375.png", full_page=True)
    wide.close()
    phone.close()
