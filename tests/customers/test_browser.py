"""The customer pages in Chromium, on a desktop and at 375 px: usable, accessible, screenshotted."""

import io
import re

import pytest
from playwright.sync_api import expect

from customers import demo
from customers.models import Contact, Organisation, Region
from tests.browser.a11y import assert_accessible
from tests.customers.helpers import attended
from tests.factories import leader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    demo.seed(stdout=io.StringIO())
    user = leader(username="lena", first_name="Lena")
    for region in Region.objects.all():
        region.leaders.add(user)
    for days, name in [
        (40, "Larkfield Grocers"),
        (220, "Thamesbridge Health Trust"),
        (20, "Alpenbank Zürich"),
    ]:
        attended(Contact.objects.filter(organisation__name=name).first(), days=days)
    return user


def log_in(page, username="lena"):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def no_sideways_scroll(page):
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right + ' ' + getComputedStyle(e.parentElement).overflowX + ' ' + e.parentElement.className + ' ' + e.parentElement.clientWidth)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], (
        wide
    )


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_customer_pages(request, world, screenshot_dir, device):
    page = request.getfixturevalue("page" if device == "desktop" else "phone_page")
    log_in(page)

    page.goto("/customers/")
    expect(page.get_by_role("heading", name="Customers", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="30 organisations")).to_be_visible()
    page.get_by_text("Filters and sorting").click()
    # Changing a filter updates the results in place (htmx), and the address keeps it.
    page.get_by_label("Tier").select_option("strategic")
    expect(page.get_by_role("link", name="Larkfield Grocers")).to_have_count(0)
    expect(page.get_by_role("link", name="Northgate Engineering")).to_be_visible()
    expect(page.get_by_role("heading", name="10 organisations match")).to_be_visible()
    assert "tier=strategic" in page.url
    page.get_by_role("button", name="Apply filters").click()  # and without JavaScript
    expect(page.get_by_role("link", name="Northgate Engineering")).to_be_visible()
    page.goto("/customers/")
    assert_accessible(page)
    no_sideways_scroll(page)
    page.screenshot(path=screenshot_dir / f"customers-list-{device}.png", full_page=True)
    page.screenshot(path=screenshot_dir / f"customers-list-{device}-top.png")

    page.get_by_label("Search").fill("thamesbridge")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("link", name="Thamesbridge Health Trust").click()
    expect(page.get_by_role("heading", name="Thamesbridge Health Trust", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Meeting history")).to_be_visible()
    expect(
        page.get_by_role("link", name="priya.raman@thamesbridgehealthtr.example")
    ).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)
    page.screenshot(path=screenshot_dir / f"customers-organisation-{device}.png", full_page=True)
    page.screenshot(path=screenshot_dir / f"customers-organisation-{device}-top.png")

    page.goto("/customers/new/")
    page.get_by_role("button", name="Add organisation").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct")
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)
    page.screenshot(
        path=screenshot_dir / f"customers-organisation-form-{device}.png", full_page=True
    )

    page.goto("/customers/invite-next/")
    expect(page.get_by_role("heading", name="Invite next", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Facet coverage in the last quarter")).to_be_visible()
    page.screenshot(path=screenshot_dir / f"customers-invite-next-{device}.png", full_page=True)
    page.screenshot(path=screenshot_dir / f"customers-invite-next-{device}-top.png")
    assert_accessible(page)
    no_sideways_scroll(page)
    # One click from a row starts booking that contact into a meeting.
    page.get_by_role("link", name=re.compile("Book into a meeting.*Ingrid Solberg")).click()
    expect(page.get_by_role("heading", name="Book Ingrid Solberg as a guest")).to_be_visible()

    page.goto("/customers/import/")
    csv = (
        "organisation,tier,region,country,facets,contact name,email\n"
        "Larkfield Grocers,key,UK & Ireland,GB,Retail,Gemma Okafor,gemma.okafor@larkfieldgrocers.example\n"
        "New Harbour Ltd,strategic,UK & Ireland,IE,Payments,Niamh Kelly,niamh@newharbour.example\n"
        "Broken Ltd,gold,Benelux,NL,,Bo,not-an-email\n"
    )
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "customers.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", name="Import preview")).to_be_visible()
    expect(page.get_by_text("“not-an-email” is not a valid email address.")).to_be_visible()
    assert_accessible(page)
    no_sideways_scroll(page)
    page.screenshot(path=screenshot_dir / f"customers-import-errors-{device}.png", full_page=True)

    page.goto("/customers/import/")
    page.get_by_label("CSV file").set_input_files(
        files=[
            {
                "name": "customers.csv",
                "mimeType": "text/csv",
                "buffer": csv.rsplit("Broken", 1)[0].encode(),
            }
        ]
    )
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_text("new organisation", exact=False).first).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / f"customers-import-preview-{device}.png", full_page=True)
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_text("Imported: 1 new and 1 updated organisations")).to_be_visible()
    assert Organisation.objects.filter(name="New Harbour Ltd").exists()
