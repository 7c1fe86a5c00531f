"""Journey: a leader ties the theme "Waiting on hold" to the measure "Calls answered in a
minute". The measure is green, yet the theme grew over the last three months: the
charter says "We may be measuring the wrong things" and names the theme, for the
executive too, with figures counted only where enough organisations stand behind them."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from actions import services as charter
from dashboard.aggregates import cube_refresh
from dashboard.models import MeasureTheme, Theme, ThemeItem
from meetings.models import Meeting
from tests import factories as f
from tests.browser.journeys.conftest import accessible, fits_375, log_in, new_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 5, 12, 9, 0, tzinfo=LONDON)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


def _heard(region, month: dt.date, items: int, theme: Theme) -> None:
    """A held meeting with three guest organisations, and `items` items of `theme`."""
    starts = dt.datetime(month.year, month.month, 12, 10, 0, tzinfo=LONDON)
    meeting = f.MeetingFactory(
        region=region,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
        status=Meeting.Status.HELD,
    )
    for _ in range(3):
        contact = f.ContactFactory(organisation=f.OrganisationFactory(region=region))
        f.BookingFactory(meeting=meeting, contact=contact, attended=True)
    for _ in range(items):
        ThemeItem.objects.create(theme=theme, item=f.FeedbackItemFactory(meeting=meeting))


@pytest.fixture
def measured(clock):
    lena = f.leader(username="lena", first_name="Lena", last_name="Laurent")
    f.executive(username="esme", first_name="Esme", last_name="Ellis")
    region = f.RegionFactory(name="UK and Ireland", countries=["GB", "IE"])
    region.leaders.add(lena)
    uk = charter.charter_create(name="UK customer charter", region=region, by=lena)
    version = uk.versions.get()
    charter.charter_item_add(
        version=version,
        by=lena,
        category="responsiveness",
        text="Answer the phone within a minute",
    )
    charter.charter_version_mark_reviewed(version=version, by=lena)
    charter.charter_version_publish(version=version, by=lena)
    measure = charter.measure_create(
        item=version.items.get(),
        by=lena,
        name="Calls answered in a minute",
        unit="%",
        target=Decimal(90),
        direction="at_least",
    )
    for month, value in ((dt.date(2027, 3, 1), 93), (dt.date(2027, 4, 1), 95)):
        charter.measure_record(measure=measure, month=month, value=Decimal(value), by=lena)
    hold = Theme.objects.create(key="tag:hold", name="Waiting on hold", origin=Theme.Origin.TAG)
    Theme.objects.create(key="tag:invoices", name="Invoices", origin=Theme.Origin.TAG)
    _heard(region, dt.date(2026, 12, 1), 2, hold)
    _heard(region, dt.date(2027, 3, 1), 4, hold)
    _heard(region, dt.date(2027, 4, 1), 3, hold)
    cube_refresh()
    return {"version": version, "measure": measure}


def _wide(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return context, context.new_page()


def test_leader_ties_a_growing_theme_and_the_charter_names_it(
    browser, live_server, measured, steps
):
    version, measure = measured["version"], measured["measure"]
    context, page = _wide(browser, live_server)
    log_in(page, "lena")
    page.goto(f"/actions/charter/versions/{version.pk}/")
    expect(page.get_by_text("We may be measuring the wrong things")).to_have_count(0)
    page.get_by_role("link", name="Themes of Calls answered in a minute").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Themes of “Calls answered in a minute”"
    )
    page.get_by_role("combobox", name="Theme").select_option(label="Waiting on hold")
    page.get_by_role("button", name="Tie the theme").click()
    expect(
        page.get_by_text("“Waiting on hold” is tied to Calls answered in a minute.")
    ).to_be_visible()
    row = page.get_by_role("row", name="Waiting on hold")
    expect(row).to_contain_text("Growing")
    expect(row.get_by_role("cell").nth(1)).to_have_text("7")  # Feb–Apr
    expect(row.get_by_role("cell").nth(0)).to_have_text("2")  # Nov–Jan
    assert MeasureTheme.objects.filter(measure=measure).count() == 1
    accessible(page)
    steps.shot(page, "01 the theme is tied and growing", full_page=True)

    page.get_by_role("link", name="UK customer charter").click()
    flag = page.get_by_role("status").filter(has_text="We may be measuring the wrong things")
    expect(flag).to_be_visible()
    expect(
        page.get_by_text("the theme “Waiting on hold” grew: 7 items", exact=False)
    ).to_be_visible()
    steps.shot(page, "02 the charter names the theme", full_page=True)
    context.close()

    # On her phone the tied themes fit the screen.
    context, phone = new_person(browser, live_server, phone=True)
    log_in(phone, "lena")
    phone.goto(f"/dashboard/measures/{measure.pk}/themes/")
    expect(phone.get_by_role("row", name="Waiting on hold")).to_contain_text("Growing")
    fits_375(phone)
    steps.shot(phone, "03 the tied themes on a phone", full_page=True)
    context.close()

    # The executive reads the same flag on a phone.
    context, phone = new_person(browser, live_server, phone=True)
    log_in(phone, "esme")
    phone.goto(f"/actions/charter/versions/{version.pk}/")
    expect(phone.get_by_text("the theme “Waiting on hold” grew", exact=False)).to_be_visible()
    expect(phone.get_by_role("link", name="Themes of Calls answered in a minute")).to_have_count(0)
    fits_375(phone)
    steps.shot(phone, "04 the executive reads it on a phone", full_page=True)
    context.close()
