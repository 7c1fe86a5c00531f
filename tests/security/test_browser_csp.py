"""In a real browser, the strict policy blocks nothing the app itself needs: htmx swaps
work, no inline style or script is refused, and pages stay usable on a phone."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from audit.services import audit_record
from tests.browser.a11y import assert_accessible
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_csp(page) -> list[str]:
    problems: list[str] = []

    def on_console(msg):
        if "Content Security Policy" in msg.text or msg.type == "error":
            problems.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()


def test_htmx_filter_works_under_the_strict_policy(page, screenshot_dir):
    admin = UserFactory(username="csp-admin", first_name="Ada", role=Role.ADMINISTRATOR)
    audit_record(actor=admin, action="export", target_repr="Actions CSV")
    audit_record(actor=admin, action="erasure", target_repr="contact #7")
    problems = watch_csp(page)
    log_in(page, "csp-admin")
    page.goto("/audit/")
    table = page.get_by_role("table", name="Audit entries")
    expect(table.get_by_role("cell", name="contact #7")).to_be_visible()
    with page.expect_response(lambda r: "/audit/?action=export" in r.url) as response:
        page.get_by_label("Action").select_option(label="Export")
        page.get_by_role("button", name="Show").click()
    assert response.value.request.headers.get("hx-request") == "true"
    expect(page.get_by_role("table", name="Audit entries (export)")).to_be_visible()
    expect(page.get_by_role("cell", name="contact #7")).to_have_count(0)
    assert page.url.endswith("/audit/?action=export")  # hx-push-url
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "audit-log.png", full_page=True)
    assert problems == [], problems


def test_lockout_page_is_clear_on_a_phone(phone_page, screenshot_dir, settings):
    UserFactory(username="csp-leader", role=Role.LEADER)
    problems = watch_csp(phone_page)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        phone_page.goto("/accounts/login/")
        phone_page.get_by_label("Username").fill("csp-leader")
        phone_page.get_by_label("Password").fill("wrong")
        phone_page.get_by_role("button", name="Log in").click()
    expect(
        phone_page.get_by_role("heading", name="Sign-in paused for this account")
    ).to_be_visible()
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375
    phone_page.screenshot(path=screenshot_dir / "login-lockout-phone.png", full_page=True)
    # The 429 itself is logged by the browser as a failed resource; nothing else may be.
    assert [p for p in problems if "429" not in p] == []
