"""The administrator's journey: give a new colleague a role in Administration, then
read the audit log that recorded it."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.models import Role
from audit.models import AuditEntry
from tests.browser.journeys.conftest import accessible, log_in
from tests.factories import UserFactory, administrator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_gives_a_role_and_reads_the_audit_log(page, steps):
    # The four roles exist as groups (a data migration makes them; a transactional test
    # before this one may have flushed them).
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    administrator(username="ada", first_name="Ada", is_staff=True, is_superuser=True)
    sam = UserFactory(username="sam", first_name="Sam", last_name="Taylor")
    log_in(page, "ada")
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    accessible(page)
    steps.shot(page, "01 administrator home")

    page.get_by_role("navigation").get_by_role("link", name="Administration").first.click()
    page.goto(f"/admin/accounts/user/{sam.pk}/change/")
    # Django's two-box picker: a double click moves a role into "Chosen roles".
    page.locator("#id_groups_from").get_by_text("Facilitator", exact=True).dblclick()
    expect(page.locator("#id_groups_to")).to_contain_text("Facilitator")
    page.locator("#id_groups_to").scroll_into_view_if_needed()
    steps.shot(page, "02 give a role")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    sam.refresh_from_db()
    assert sam.has_role(Role.FACILITATOR)

    page.goto("/audit/")
    expect(page.get_by_role("heading", level=1, name="Audit log")).to_be_visible()
    page.get_by_label("Action").select_option(label="Role granted")
    page.get_by_role("button", name="Show").click()
    row = page.get_by_role("row").filter(has_text="Sam Taylor")
    expect(row).to_contain_text("Role granted")
    expect(row).to_contain_text("ada")  # who did it
    expect(row).to_contain_text("role: Facilitator")
    accessible(page)
    steps.shot(page, "03 audit log")
    assert AuditEntry.objects.filter(action="role_granted", target_repr__contains="Sam").exists()
