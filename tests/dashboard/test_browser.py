import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.browser.a11y import assert_accessible
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def demo_like_data():
    from bench.dashboard_data import generate

    generate(meetings=160, items=3200, themes=True, out=lambda *_: None)


def log_in(page, username, password="pass-word-123"):  # noqa: S107
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_executive_filters_the_dashboard_without_a_reload(page, screenshot_dir):
    demo_like_data()
    UserFactory(username="exec", first_name="Esme", role=Role.EXECUTIVE)
    log_in(page, "exec")
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    expect(page.get_by_role("heading", name="Top themes")).to_be_visible()
    page.screenshot(path=screenshot_dir / "dashboard.png", full_page=True)
    page.screenshot(path=screenshot_dir / "dashboard-top.png")
    page.locator("#themes-heading").locator("..").screenshot(
        path=screenshot_dir / "dashboard-themes.png"
    )
    page.locator("#kinds-heading").locator("..").screenshot(
        path=screenshot_dir / "dashboard-kinds.png"
    )
    assert_accessible(page)
    page.get_by_label("Sentiment", exact=True).select_option("negative")
    expect(page).to_have_url(re.compile(r"sentiment=negative"))
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    page.get_by_role("link", name="Printable board pack").click()
    expect(page.get_by_role("heading", name="Voice of the customer — board pack")).to_be_visible()
    page.screenshot(path=screenshot_dir / "dashboard-board-pack.png", full_page=True)


def test_dashboard_is_usable_on_a_phone(phone_page, screenshot_dir):
    demo_like_data()
    UserFactory(username="exec2", first_name="Esme", role=Role.EXECUTIVE)
    log_in(phone_page, "exec2")
    phone_page.goto("/dashboard/")
    expect(phone_page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    phone_page.screenshot(path=screenshot_dir / "dashboard-phone.png", full_page=True)
    too_wide = phone_page.evaluate(
        """[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 376)
             .map(e => e.tagName + '.' + e.className).slice(0, 8)"""
    )
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375, too_wide


def test_demo_dashboard_shows_readable_themes(page, screenshot_dir):
    from io import StringIO

    from django.core.management import call_command

    from accounts.demo import DEMO_PASSWORD
    from dashboard.models import Theme

    call_command("seed_demo", force=True, stdout=StringIO())
    assert Theme.objects.filter(size__gt=0).exists()
    log_in(page, "executive", DEMO_PASSWORD)
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", name="Top themes")).to_be_visible()
    page.screenshot(path=screenshot_dir / "dashboard-demo.png", full_page=True)
    page.locator("#themes-heading").locator("..").screenshot(
        path=screenshot_dir / "dashboard-demo-themes.png"
    )
