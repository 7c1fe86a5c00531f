import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.browser.a11y import assert_accessible
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLE_HEADINGS = {
    Role.LEADER: "Leader",
    Role.FACILITATOR: "Facilitator",
    Role.EXECUTIVE: "Executive",
    Role.ADMINISTRATOR: "Administrator",
}


def log_in(page, username, password="pass-word-123"):  # noqa: S107
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("role", list(ROLE_HEADINGS))
def test_each_role_logs_in_and_sees_its_home(page, role, screenshot_dir):
    user = UserFactory(username=f"demo-{role.value.lower()}", first_name="Sam", role=role)
    log_in(page, user.username)
    expect(page.get_by_role("heading", level=1, name="Welcome, Sam")).to_be_visible()
    expect(page.get_by_text(ROLE_HEADINGS[role], exact=True).first).to_be_visible()
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / f"home-{role.value.lower()}.png", full_page=True)


def test_home_is_usable_on_a_phone(phone_page, screenshot_dir):
    UserFactory(username="phone-leader", first_name="Pat", role=Role.LEADER)
    log_in(phone_page, "phone-leader")
    expect(phone_page.get_by_role("heading", level=1, name="Welcome, Pat")).to_be_visible()
    # No horizontal scrolling at 375px.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    phone_page.get_by_text("Menu").click()
    expect(phone_page.get_by_role("button", name="Log out")).to_be_visible()
    phone_page.screenshot(path=screenshot_dir / "home-leader-phone.png", full_page=True)


def test_wrong_password_is_explained(page):
    UserFactory(username="someone")
    log_in(page, "someone", "wrong-password")
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    assert_accessible(page)


def test_accessibility_check_catches_an_unlabelled_field(page):
    # The harness itself must be able to fail: an input without a label is a serious violation.
    page.set_content("<html lang='en'><title>t</title><main><input type='text'></main></html>")
    from tests.browser.a11y import axe_violations

    assert any(v["id"] == "label" for v in axe_violations(page))
