"""The dashboard stays light: under 1,000 elements on a demo-like world (24 months, 8 themes).

The tables behind the charts are one click away (`?table=…`), not in every page load.
"""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from dashboard.models import Highlight, Theme, ThemeItem

BUDGET = 1000
TABLE_ID = re.compile(r'id="[a-z]+-table"')
MONTHS = 24
SECTIONS = ["customer", "operations", "sales", "finance", "employees", "marketing", "other"]
SENTIMENTS = ["negative", "neutral", "positive"]


class _Counter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag, attrs):
        self.count += 1

    def handle_startendtag(self, tag, attrs):
        self.count += 1


def elements(html: str) -> int:
    counter = _Counter()
    counter.feed(html)
    return counter.count


def demo_like(world):
    """A meeting a month for two years, three organisations each, eight themes."""
    themes = [
        Theme.objects.create(key=f"t:{i}", name=f"Theme {i}", origin="suggested", keywords=["x"])
        for i in range(8)
    ]
    n = 0
    for m in range(MONTHS):
        month = dt.date(2025 + (m // 12), m % 12 + 1, 1)
        meeting = world.meeting(organisations=3, month=month, kind=["4f", "war", "love_in"][m % 3])
        for i in range(10):
            n += 1
            item = world.feedback(
                meeting,
                kind="concern" if i % 2 else "idea",
                sentiment=SENTIMENTS[i % 3],
                section=SECTIONS[i % len(SECTIONS)],
                text=f"We would like the invoice portal to improve, remark {n}."
                if i < 9
                else f"We dream of an invoice portal that improves, remark {n}.",
            )[0]
            ThemeItem.objects.create(theme=themes[i % 8], item=item, example=i < 8)
            if i == 9:
                world.highlight(item, Highlight.List.DREAM)
    world.refresh()


@pytest.mark.django_db
def test_dashboard_stays_under_a_thousand_elements(world, executive_client):
    demo_like(world)
    html = executive_client.get("/dashboard/").content.decode()
    assert html.count('class="chart-col"') == 2 * MONTHS  # both monthly charts, every month
    assert elements(html) < BUDGET


@pytest.mark.django_db
def test_the_table_behind_each_chart_is_one_click_away(world, executive_client):
    demo_like(world)
    page = executive_client.get("/dashboard/").content.decode()
    assert not TABLE_ID.search(page)
    for name in ("volume", "themes", "concerns", "kinds"):
        assert f"table={name}#{name}-table" in page
        shown = executive_client.get(f"/dashboard/?table={name}").content.decode()
        assert TABLE_ID.findall(shown) == [f'id="{name}-table"']
        assert "Hide the table" in shown
    html = executive_client.get("/dashboard/board-pack/").content.decode()
    for name in ("volume", "themes", "concerns", "kinds"):
        assert f'id="{name}-table"' in html
    assert "table=" not in html


@pytest.mark.django_db
def test_an_unknown_table_shows_none(world, executive_client):
    world.refresh()
    response = executive_client.get("/dashboard/?table=%3Cscript%3E")
    assert response.status_code == 200
    assert not TABLE_ID.search(response.content.decode())


@pytest.mark.django_db
def test_the_month_charts_show_quiet_months_as_empty_columns(world, executive_client):
    for month in (dt.date(2026, 1, 1), dt.date(2026, 4, 1)):
        meeting = world.meeting(organisations=3, month=month, kind="4f")
        world.feedback(meeting, 3)
    world.refresh()
    html = executive_client.get("/dashboard/").content.decode()
    volume = html[html.index('id="volume-heading"') : html.index('id="themes-heading"')]
    assert re.findall(r'aria-label="(\w+ 2026): ', volume) == [
        "Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026"
    ]  # fmt: skip
    shown = executive_client.get("/dashboard/?table=volume").content.decode()
    assert shown.count('<th scope="row">') - html.count('<th scope="row">') == 3  # 2 months + all
