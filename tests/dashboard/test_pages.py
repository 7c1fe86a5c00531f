import csv
import datetime as dt
import io
import json

import pytest

from anonymity.policy import published_note
from dashboard.models import Highlight, Theme, ThemeItem
from feedback.models import FeedbackItem
from tests import factories as f

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)
PAGES = ["/dashboard/", "/dashboard/board-pack/", "/dashboard/themes/"]
EXPORTS = ["/dashboard/export.csv", "/dashboard/export.json"]


def body(response) -> str:
    """The response's text, without the byte order mark CSV exports start with."""
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode("utf-8-sig")


def rich_world(world):
    """Enough meetings to fill every widget, one of them with a single organisation."""
    meetings = [world.meeting(organisations=3, month=JAN, kind="4f") for _ in range(2)]
    lonely = world.meeting(organisations=1, month=FEB, kind="war")
    texts = ["Invoices are late and wrong.", "Our dream: one portal for everything."]
    items = []
    for meeting in [*meetings, lonely]:
        items += world.feedback(meeting, 2, kind="concern", text=texts[0], section="finance")
        items += world.feedback(meeting, 1, kind="idea", sentiment="positive", text=texts[1])
    theme = Theme.objects.create(key="t:invoices", name="Invoices", origin="suggested")
    for item in items:
        ThemeItem.objects.create(theme=theme, item=item, example=True)
        if item.kind == "idea":
            world.highlight(item, Highlight.List.DREAM)
    f.ActionFactory(meeting=meetings[0], feedback_item=items[0], status="done")
    f.ActionFactory(meeting=lonely, due_date=dt.date(2020, 1, 1))
    world.refresh()
    return meetings, lonely


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_no_participant_or_organisation_name_ever_appears(world, executive_client, url):
    meetings, lonely = rich_world(world)
    content = body(executive_client.get(url))
    for organisation in world.organisations:
        assert organisation.name not in content
    for contact in world.contacts:
        assert contact.name not in content
        assert contact.email not in content
    for meeting in [*meetings, lonely]:
        assert meeting.title not in content


@pytest.mark.django_db
def test_dashboard_says_what_it_leaves_out_and_leaves_out_a_lone_month(world, executive_client):
    rich_world(world)
    html = body(executive_client.get("/dashboard/"))
    assert "left out of every view and export" in html
    assert "Jan 2026" in html
    assert "Feb 2026" not in html


@pytest.mark.django_db
def test_csv_export_leaves_out_a_month_with_one_organisation(world, executive_client):
    rich_world(world)
    rows = list(csv.DictReader(io.StringIO(body(executive_client.get("/dashboard/export.csv")))))
    assert rows
    assert {r["month"] for r in rows} == {"2026-01"}
    assert set(rows[0]) == {"month", "region", "section", "kind", "sentiment", "theme", "text"}
    assert {r["region"] for r in rows} == {"Northern Europe"}


@pytest.mark.django_db
@pytest.mark.parametrize("organisations", [1, 2])
def test_export_leaves_out_small_regions_even_when_together_they_are_enough(
    world, executive_client, organisations
):
    big = world.meeting(organisations=3, month=JAN)
    world.feedback(big, 2)
    south = f.RegionFactory(name="South")
    west = f.RegionFactory(name="West")
    small_south = world.meeting(organisations=organisations, month=JAN, region=south)
    small_west = world.meeting(organisations=2, month=JAN, region=west)
    world.feedback(small_south, 1, text="South said this.")
    world.feedback(small_west, 1, text="West said this.")
    world.refresh()
    data = json.loads(body(executive_client.get("/dashboard/export.json")))
    regions = {item["text"]: item["region"] for item in data["items"]}
    # Blanking the region would put them in a cell that no view has: they are left out.
    assert "South said this." not in regions
    assert "West said this." not in regions
    assert set(regions.values()) == {"Northern Europe"}
    assert data["suppression"] == published_note()


@pytest.mark.django_db
@pytest.mark.parametrize("organisations", [1, 2])
def test_export_leaves_out_a_lone_small_region_that_elimination_would_reveal(
    world, executive_client, organisations
):
    big = world.meeting(organisations=3, month=JAN)
    world.feedback(big, 2, text="Big meeting said this.")
    south = f.RegionFactory(name="South")
    small = world.meeting(organisations=organisations, month=JAN, region=south)
    world.feedback(small, 1, text="South said this.")
    world.refresh()
    data = json.loads(body(executive_client.get("/dashboard/export.json")))
    texts = [item["text"] for item in data["items"]]
    assert "South said this." not in texts
    assert "Big meeting said this." in texts


@pytest.mark.django_db
def test_csv_export_neutralises_formulas(world, executive_client):
    meeting = world.meeting(organisations=3, month=JAN)
    world.feedback(meeting, 1, text='=HYPERLINK("http://evil.example","click")')
    world.refresh()
    content = body(executive_client.get("/dashboard/export.csv"))
    (row,) = list(csv.DictReader(io.StringIO(content)))
    assert row["text"].startswith("'=")


@pytest.mark.django_db
def test_csv_export_guards_every_cell_with_a_bom_and_crlf(world, executive_client):
    region = f.RegionFactory(name=" =2+3 region", countries=["GB"])
    meeting = world.meeting(organisations=3, month=JAN, region=region)
    world.feedback(meeting, 1, text="@SUM(A1) was mentioned")
    world.refresh()
    raw = b"".join(executive_client.get("/dashboard/export.csv").streaming_content)
    content = raw.decode("utf-8")
    assert content.startswith("\ufeff")
    assert content.count("\r\n") == 2
    (row,) = list(csv.DictReader(io.StringIO(content[1:], newline="")))
    assert row["region"] == "' =2+3 region"
    assert row["text"] == "'@SUM(A1) was mentioned"


@pytest.mark.django_db
def test_export_never_has_a_meeting_date(world, executive_client):
    meeting = world.meeting(organisations=3, month=JAN)
    world.feedback(meeting, 2)
    world.refresh()
    content = body(executive_client.get("/dashboard/export.json"))
    assert meeting.starts_at.date().isoformat() not in content
    assert "2026-01" in content


# Unfiltered (monthly roll-up), one meeting-level filter (its own roll-up), two of them
# (the full cube), item-level filters; as a page and as the htmx partial.
FILTERED_VIEWS = [
    ("", {}),
    ("?country=GB", {}),
    ("?meeting_kind=4f", {}),
    ("?stage=STAGE", {}),
    ("?country=GB&meeting_type=leadership&stage=STAGE", {}),
    ("?section=finance&kind=concern&sentiment=negative&start=2026-01&end=2026-04", {}),
    ("?meeting_type=leadership", {"HTTP_HX_REQUEST": "true"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "headers"), FILTERED_VIEWS)
def test_query_count_does_not_grow_with_the_data(
    world, executive_client, django_assert_max_num_queries, query, headers
):
    rich_world(world)
    stage = f.JourneyStageFactory()
    FeedbackItem.objects.update(stage=stage)
    world.refresh()
    url = "/dashboard/" + query.replace("STAGE", str(stage.pk))
    with django_assert_max_num_queries(24) as small:
        assert executive_client.get(url, **headers).status_code == 200
    for month in (JAN, FEB, dt.date(2026, 3, 1), dt.date(2026, 4, 1)):
        for _ in range(3):
            meeting = world.meeting(organisations=3, month=month, kind="love_in")
            world.feedback(
                meeting, 3, text="Delivery was late again.", stage=stage, section="finance"
            )
            f.ActionFactory(meeting=meeting)
    theme = Theme.objects.create(key="t:delivery", name="Delivery", origin="suggested")
    for item in FeedbackItem.objects.filter(theme_link__isnull=True):
        ThemeItem.objects.create(theme=theme, item=item, example=True)
    world.refresh()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = executive_client.get(url, **headers)
    if "meeting_kind" not in query:
        assert "Delivery" in response.content.decode()


@pytest.mark.django_db
def test_filters_are_kept_in_the_url_and_htmx_gets_only_the_widgets(world, executive_client):
    rich_world(world)
    response = executive_client.get("/dashboard/?sentiment=negative&section=finance")
    html = response.content.decode()
    assert '<option value="negative" selected>' in html
    assert "export.csv?sentiment=negative&amp;section=finance" in html
    partial = executive_client.get("/dashboard/?sentiment=negative", HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith('<div id="widgets"')


@pytest.mark.django_db
def test_bad_filter_input_gets_a_message_not_an_error(world, executive_client):
    rich_world(world)
    response = executive_client.get("/dashboard/?start=not-a-month&end=2026-01&region=999999")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters were not understood" in html


@pytest.mark.django_db
def test_end_before_start_is_explained(world, executive_client):
    response = executive_client.get("/dashboard/?start=2026-03&end=2026-01")
    assert "The end month must not be before the start month." in response.content.decode()


@pytest.mark.django_db
def test_month_filter_narrows_the_figures(world, executive_client):
    for month in (JAN, FEB):
        meeting = world.meeting(organisations=3, month=month)
        world.feedback(meeting, 4 if month == JAN else 7)
    world.refresh()
    html = executive_client.get("/dashboard/?start=2026-02&end=2026-02").content.decode()
    assert "Feb 2026" in html
    assert "Jan 2026" not in html


@pytest.mark.django_db
def test_executive_home_shows_headline_figures_suppressed(world, client):
    rich_world(world)
    client.force_login(f.executive())
    html = client.get("/home/executive/").content.decode()
    assert "Voice of the customer at a glance" in html, html[html.find("<main") :][:3000]
    assert "items in Jan 2026" in html
    assert "Feb 2026" not in html
    assert "left out of every view and export" in html


@pytest.mark.django_db
def test_demo_seed_is_idempotent(world):
    from dashboard import demo

    rich_world(world)
    out = io.StringIO()
    demo.seed(stdout=out)
    first = sorted(Theme.objects.values_list("key", "size"))
    demo.seed(stdout=out)
    assert sorted(Theme.objects.values_list("key", "size")) == first


@pytest.mark.django_db
@pytest.mark.parametrize("organisations", [1, 2])
def test_themes_page_hides_a_theme_from_few_organisations(world, executive_client, organisations):
    big = world.meeting(organisations=3, month=JAN)
    small = world.meeting(organisations=organisations, month=JAN)
    for name, meeting in (("Invoices", big), ("Secret merger plans", small)):
        theme = Theme.objects.create(
            key=f"t:{name}", name=name, origin="suggested", keywords=[name.lower()]
        )
        for item in world.feedback(meeting, 4):
            ThemeItem.objects.create(theme=theme, item=item)
    world.refresh()
    html = body(executive_client.get("/dashboard/themes/"))
    assert "Invoices" in html
    assert "Secret merger plans" not in html
    assert "secret merger plans" not in html
    assert "smaller theme" not in html


@pytest.mark.django_db
def test_export_leaves_out_items_captured_since_the_figures_were_refreshed(world, executive_client):
    meeting = world.meeting(organisations=3, month=JAN)
    world.feedback(meeting, 2, text="Counted by the figures.")
    world.refresh()
    # Same cell, not yet in the figures: comparing the export with the page would
    # single it out.
    world.feedback(meeting, 1, text="Said after the refresh.")
    data = json.loads(body(executive_client.get("/dashboard/export.json")))
    assert [i["text"] for i in data["items"]] == ["Counted by the figures."] * 2


@pytest.mark.django_db
def test_export_rows_do_not_follow_the_order_things_were_said(world, executive_client):
    meeting = world.meeting(organisations=3, month=JAN)
    for text in ("Zebra crossings.", "Apples first.", "Middle ground."):
        world.feedback(meeting, 1, text=text)
    world.refresh()
    data = json.loads(body(executive_client.get("/dashboard/export.json")))
    assert [i["text"] for i in data["items"]] == [
        "Apples first.",
        "Middle ground.",
        "Zebra crossings.",
    ]
