"""Journey 5: an executive opens the dashboard, filters by region and reads the themes;
a region whose feedback comes from fewer than 3 organisations shows nothing that could
point at a speaker."""

import datetime as dt
import itertools
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dashboard.aggregates import cube_refresh
from dashboard.themes import themes_recompute
from meetings.models import Meeting, Section
from tests.browser.journeys.conftest import accessible, log_in
from tests.factories import (
    BookingFactory,
    ContactFactory,
    FeedbackItemFactory,
    MeetingFactory,
    OrganisationFactory,
    RegionFactory,
    executive,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAID = {
    ("concern", "negative", Section.FINANCE): [
        "Invoices arrive late and the invoice amounts are often wrong",
        "Every invoice needs a correction before we can pay it",
        "Late invoices make our month end close painful",
        "The invoice format changed again without warning",
    ],
    ("concern", "negative", Section.CUSTOMER): [
        "When something breaks we are passed from person to person on support",
        "Support hands us over to another team and we start again",
        "No single support person owns our problem until it is solved",
        "We explain the same support case to three different people",
    ],
    ("praise", "positive", Section.OPERATIONS): [
        "The engineers on site are excellent and deliver on time",
        "Deliveries arrive on time and the engineers are friendly",
        "Your engineers know our sites and deliver well",
    ],
}
SMALL_REGION_QUOTE = "Our delivery window in Rotterdam keeps moving at short notice"


def held_meeting(region, organisations, days_ago, texts):
    start = timezone.now() - dt.timedelta(days=days_ago)
    meeting = MeetingFactory(
        region=region,
        status=Meeting.Status.HELD,
        kind=Meeting.Kind.FOUR_F,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
    )
    for org in organisations:
        BookingFactory(meeting=meeting, contact=ContactFactory(organisation=org), attended=True)
    for (kind, sentiment, section), text in texts:
        FeedbackItemFactory(
            meeting=meeting, kind=kind, sentiment=sentiment, section=section, text=text
        )
    return meeting


@pytest.fixture
def a_year_of_feedback():
    nordics = RegionFactory(name="Nordics")
    benelux = RegionFactory(name="Benelux")
    nordic_orgs = [OrganisationFactory(region=nordics) for _ in range(5)]
    said = [(key, text) for key, texts in SAID.items() for text in texts]
    for n, days_ago in enumerate((12, 40, 70)):
        # Each Nordic meeting: three organisations, everything said (in turn) twice.
        orgs = [nordic_orgs[(n + i) % 5] for i in range(3)]
        texts = list(itertools.islice(itertools.cycle(said), n, n + 2 * len(said)))
        held_meeting(nordics, orgs, days_ago, texts)
    # Benelux: one meeting with only two customer organisations behind it.
    benelux_orgs = [OrganisationFactory(region=benelux) for _ in range(2)]
    held_meeting(
        benelux,
        benelux_orgs,
        20,
        [(("concern", "negative", Section.OPERATIONS), SMALL_REGION_QUOTE)]
        + [(key, text) for key, text in said[:4]],
    )
    themes_recompute()
    cube_refresh()
    executive(username="esme", first_name="Esme", last_name="Eriksen")


def test_executive_filters_by_region_and_reads_the_themes(page, a_year_of_feedback, steps):
    log_in(page, "esme")
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    steps.shot(page, "01 executive home")
    page.get_by_role("navigation").get_by_role("link", name="Dashboard").first.click()
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    accessible(page)
    steps.shot(page, "02 dashboard")

    # The Nordics: three meetings, five organisations — themes and their quotes show.
    page.get_by_label("Region").select_option(label="Nordics")
    expect(page).to_have_url(re.compile(r"region=\d+"))
    themes = page.locator("section", has=page.get_by_role("heading", name="Top themes"))
    expect(themes.locator(".theme").first).to_be_visible()
    expect(themes.get_by_role("blockquote").first).to_be_visible()
    expect(themes).to_contain_text(re.compile("invoice|support|engineers"))
    accessible(page)
    themes.scroll_into_view_if_needed()
    steps.shot(page, "03 themes in the nordics", locator=themes)

    # Benelux: only two organisations behind its feedback — left out, and said so.
    page.get_by_label("Region").select_option(label="Benelux")
    expect(page).to_have_url(re.compile(r"region=\d+"))
    main = page.get_by_role("main")
    expect(main.get_by_text("left out of every view and export").first).to_be_attached()
    expect(main.get_by_text("Rotterdam")).to_have_count(0)
    expect(themes.get_by_role("blockquote")).to_have_count(0)
    expect(themes.locator(".badge", has_text=re.compile(r"\d+ item"))).to_have_count(0)
    accessible(page)
    steps.shot(page, "04 small region left out", locator=themes)
