"""Themes tied to charter measures: a growing theme on a green measure is flagged."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from actions import selectors
from actions import services as charter_services
from dashboard.measure_themes import measure_theme_link
from dashboard.models import MeasureTheme, Theme, ThemeItem
from tests import factories as f

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 15, 9, 0, tzinfo=dt.UTC)
DECEMBER, MARCH = dt.date(2025, 12, 1), dt.date(2026, 3, 1)
FLAG = "We may be measuring the wrong things"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def charter(world, clock):
    """The region's published charter: one item, measured green in April."""
    author = f.leader(username="gm-north")
    world.region.leaders.add(author)
    charter = charter_services.charter_create(name="North charter", region=world.region, by=author)
    version = charter.versions.get()
    charter_services.charter_item_add(
        version=version, by=author, category="responsiveness", text="Answer within a minute"
    )
    charter_services.charter_version_mark_reviewed(version=version, by=author)
    charter_services.charter_version_publish(version=version, by=author)
    measure = charter_services.measure_create(
        item=version.items.get(),
        by=author,
        name="Calls answered in a minute",
        unit="%",
        target=Decimal(90),
        direction="at_least",
    )
    charter_services.measure_record(
        measure=measure, month=dt.date(2026, 4, 1), value=Decimal(95), by=author
    )
    return {"author": author, "charter": charter, "version": version, "measure": measure}


def _theme_with(world, name, counts: dict, organisations=3, key=None):
    """A theme whose items were heard in one meeting per month (`organisations` guests)."""
    theme = Theme.objects.create(key=key or f"tag:{name}", name=name, origin=Theme.Origin.TAG)
    for month, n in counts.items():
        meeting = world.meeting(organisations=organisations, month=month)
        for item in world.feedback(meeting, n=n):
            ThemeItem.objects.create(theme=theme, item=item)
    return theme


def _rows(charter):
    return selectors.charter_items_with_measures(
        version=charter["version"], months=selectors.last_months()
    )


def test_a_growing_theme_on_a_green_measure_raises_the_flag_and_is_named(world, charter, client):
    theme = _theme_with(world, "Waiting on hold", {DECEMBER: 2, MARCH: 5})
    world.refresh()
    measure_theme_link(measure=charter["measure"], theme=theme, by=charter["author"])
    (row,) = _rows(charter)
    assert row["wrong_things"] is True
    assert [t.name for t in row["growing"]] == ["Waiting on hold"]
    client.force_login(f.executive())
    html = client.get(
        reverse("actions:charter_version", args=[charter["version"].pk])
    ).content.decode()
    assert FLAG in html
    assert "the theme “Waiting on hold” grew: 5 items in the last 3 months" in html
    assert "against 2 in the 3 before." in html


def test_a_theme_that_does_not_grow_raises_nothing(world, charter):
    theme = _theme_with(world, "Invoices", {DECEMBER: 5, MARCH: 2})
    world.refresh()
    measure_theme_link(measure=charter["measure"], theme=theme, by=charter["author"])
    (row,) = _rows(charter)
    assert row["wrong_things"] is False


def test_a_red_measure_is_not_measuring_the_wrong_things(world, charter):
    theme = _theme_with(world, "Waiting on hold", {DECEMBER: 2, MARCH: 5})
    world.refresh()
    charter_services.measure_record(
        measure=charter["measure"],
        month=dt.date(2026, 4, 1),
        value=Decimal(60),
        by=charter["author"],
    )
    measure_theme_link(measure=charter["measure"], theme=theme, by=charter["author"])
    (row,) = _rows(charter)
    assert row["wrong_things"] is False


def test_growth_heard_from_too_few_organisations_counts_nothing(world, charter, client):
    theme = _theme_with(world, "Waiting on hold", {MARCH: 5}, organisations=2)
    world.refresh()
    measure_theme_link(measure=charter["measure"], theme=theme, by=charter["author"])
    (row,) = _rows(charter)
    assert row["wrong_things"] is False
    client.force_login(charter["author"])
    html = client.get(reverse("dashboard:measure_themes", args=[charter["measure"].pk]))
    assert "Not growing" in html.content.decode()
    assert ">5<" not in html.content.decode()


def test_the_link_follows_a_theme_merged_into_another(world, charter):
    old = _theme_with(world, "Hold music", {DECEMBER: 2})
    target = _theme_with(world, "Waiting on hold", {MARCH: 5})
    measure_theme_link(measure=charter["measure"], theme=old, by=charter["author"])
    Theme.objects.filter(pk=old.pk).update(merged_into=target)
    ThemeItem.objects.filter(theme=old).update(theme=target)
    world.refresh()
    (row,) = _rows(charter)
    assert [t.name for t in row["growing"]] == ["Waiting on hold"]


def test_a_leader_ties_a_theme_once(world, charter, client):
    theme = _theme_with(world, "Waiting on hold", {MARCH: 1})
    client.force_login(charter["author"])
    url = reverse("dashboard:measure_themes", args=[charter["measure"].pk])
    assert client.post(url, {"theme": theme.pk}).status_code == 302
    response = client.post(url, {"theme": theme.pk}, follow=True)
    assert MeasureTheme.objects.filter(measure=charter["measure"]).count() == 1
    assert "was already tied" in response.content.decode()


def test_a_bad_theme_is_a_message_and_nothing_is_tied(world, charter, client):
    client.force_login(charter["author"])
    url = reverse("dashboard:measure_themes", args=[charter["measure"].pk])
    response = client.post(url, {"theme": "99999999999999999999999"})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert not MeasureTheme.objects.exists()


def test_untying_takes_only_this_measures_link(world, charter, client):
    theme = _theme_with(world, "Waiting on hold", {MARCH: 1})
    other_measure = charter_services.measure_create(
        item=charter["version"].items.get(),
        by=charter["author"],
        name="Second",
        target=Decimal(1),
        direction="at_least",
    )
    foreign, _ = measure_theme_link(measure=other_measure, theme=theme, by=charter["author"])
    client.force_login(charter["author"])
    url = reverse("dashboard:measure_theme_remove", args=[charter["measure"].pk])
    client.post(url, {"link": foreign.pk})
    assert MeasureTheme.objects.filter(pk=foreign.pk).exists()
    own, _ = measure_theme_link(measure=charter["measure"], theme=theme, by=charter["author"])
    client.post(url, {"link": own.pk})
    assert not MeasureTheme.objects.filter(pk=own.pk).exists()


@pytest.mark.parametrize("who", ["executive", "other_leader", "facilitator"])
def test_only_who_records_the_measures_ties_themes(world, charter, client, who):
    user = {
        "executive": f.executive,
        "facilitator": f.facilitator,
        "other_leader": lambda: f.leader(username="gm-south"),
    }[who]()
    client.force_login(user)
    url = reverse("dashboard:measure_themes", args=[charter["measure"].pk])
    assert client.get(url).status_code == 404
    theme = Theme.objects.create(key="tag:x", name="X", origin=Theme.Origin.TAG)
    assert client.post(url, {"theme": theme.pk}).status_code == 404
    assert not MeasureTheme.objects.exists()


def test_the_page_reads_a_constant_number_of_queries(
    world, charter, client, django_assert_max_num_queries
):
    for n in range(4):
        theme = _theme_with(world, f"Theme {n}", {MARCH: 1})
        measure_theme_link(measure=charter["measure"], theme=theme, by=charter["author"])
    world.refresh()
    client.force_login(charter["author"])
    with django_assert_max_num_queries(15):
        client.get(reverse("dashboard:measure_themes", args=[charter["measure"].pk]))


def test_the_name_kept_for_a_vanished_theme_is_redacted(world, charter):
    contact = f.ContactFactory(name="Harriet Quill")
    theme = Theme.objects.create(
        key="tag:quill", name=f"Calls from {contact.name}", origin=Theme.Origin.TAG
    )
    link, _ = measure_theme_link(measure=charter["measure"], theme=theme, by=charter["author"])
    assert "Harriet" not in link.theme_name
    theme.delete()
    (row,) = _rows(charter)
    assert [t.name for t in row["measures"][0].themes] == [link.theme_name]
