"""Suppression in every widget: slices of 1 and 2 organisations, and the differencing case."""

import datetime as dt

import pytest

from actions.models import Action
from dashboard.models import Highlight, Theme, ThemeItem
from dashboard.selectors import (
    CubeReader,
    Filters,
    actions_summary,
    concerns_by_section,
    highlights,
    meeting_kinds,
    top_themes,
    volume_by_month,
)
from feedback.models import FeedbackItem
from tests import factories as f

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)
MAR = dt.date(2026, 3, 1)
SMALL = [1, 2]


def publish_follow_up(meeting):
    from django.utils import timezone

    from actions.models import FollowUp

    return FollowUp.objects.create(
        meeting=meeting, composed_by=f.leader(), published_at=timezone.now()
    )


def reader():
    return CubeReader(Filters())


@pytest.mark.django_db
@pytest.mark.parametrize("organisations", SMALL)
def test_volume_month_with_few_organisations_is_left_out_of_every_figure(world, organisations):
    big = world.meeting(organisations=3, month=JAN)
    small = world.meeting(organisations=organisations, month=FEB)
    world.feedback(big, 10)
    world.feedback(small, 3)
    world.refresh()
    volume = volume_by_month(reader())
    assert [r["month"] for r in volume["rows"]] == [JAN]
    # The total counts January only: total minus January gives nothing about February.
    assert volume["total"].display == 10


@pytest.mark.django_db
@pytest.mark.parametrize("organisations", SMALL)
def test_sentiment_from_few_organisations_is_left_out_of_its_month(world, organisations):
    big = world.meeting(organisations=3, month=JAN)
    small = world.meeting(organisations=organisations, month=JAN)
    world.feedback(big, 6, sentiment=FeedbackItem.Sentiment.POSITIVE)
    world.feedback(big, 4, sentiment=FeedbackItem.Sentiment.NEUTRAL)
    world.feedback(small, 2, sentiment=FeedbackItem.Sentiment.NEGATIVE)
    world.refresh()
    (jan,) = volume_by_month(reader())["rows"]
    negative, neutral, positive = jan["cells"]
    assert (negative.display, neutral.display, positive.display) == (0, 4, 6)
    # The month's total is the sum of what is shown: it does not give the 2 negative items.
    assert jan["total"].display == 10


@pytest.mark.django_db
def test_three_organisations_across_two_meetings_are_enough(world):
    first = world.meeting(organisations=2, month=JAN)
    second = world.meeting(organisations=1, month=JAN)
    world.feedback(first, 2)
    world.feedback(second, 2)
    world.refresh()
    (jan,) = volume_by_month(reader())["rows"]
    assert not jan["total"].hidden
    assert jan["total"].display == 4


@pytest.mark.django_db
def test_guests_of_one_organisation_in_three_meetings_stay_one_organisation(world):
    organisation = f.OrganisationFactory(region=world.region)
    for _ in range(3):
        meeting = world.meeting(organisations=0, month=JAN)
        f.BookingFactory(
            meeting=meeting, contact=f.ContactFactory(organisation=organisation), attended=True
        )
        world.feedback(meeting, 2)
    world.refresh()
    assert volume_by_month(reader())["rows"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("organisations", SMALL)
def test_concerns_in_a_section_from_few_organisations_are_left_out(world, organisations):
    big = world.meeting(organisations=4, month=JAN)
    small = world.meeting(organisations=organisations, month=JAN)
    world.feedback(big, 5, section="customer", kind="concern")
    world.feedback(big, 3, section="operations", kind="concern")
    world.feedback(small, 2, section="finance", kind="concern")
    world.refresh()
    result = concerns_by_section(reader())
    by_section = {s.key[0]: s.display for s in result["slices"]}
    assert (by_section["finance"], by_section["customer"], by_section["operations"]) == (0, 5, 3)
    assert result["total"].display == 8


def _theme(name, items, *, examples=()):
    theme = Theme.objects.create(key=f"test:{name}", name=name, origin=Theme.Origin.SUGGESTED)
    for item in items:
        ThemeItem.objects.create(theme=theme, item=item, example=item in examples)
    return theme


@pytest.mark.django_db
@pytest.mark.parametrize("organisations", SMALL)
def test_theme_from_few_organisations_is_not_listed(world, organisations):
    big = world.meeting(organisations=3, month=JAN)
    small = world.meeting(organisations=organisations, month=JAN)
    _theme("Invoices", world.feedback(big, 4))
    _theme("Secret project", world.feedback(small, 9))
    world.refresh()
    result = top_themes(reader())
    assert [t["name"] for t in result["themes"]] == ["Invoices"]
    # Not even how many themes are left out: that count would differ between views.
    assert result["hidden_themes"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("organisations", SMALL)
def test_theme_trend_month_from_few_organisations_is_left_out(world, organisations):
    big = world.meeting(organisations=3, month=JAN)
    big_feb = world.meeting(organisations=3, month=FEB)
    small = world.meeting(organisations=organisations, month=MAR)
    items = world.feedback(big, 4) + world.feedback(big_feb, 5) + world.feedback(small, 2)
    _theme("Invoices", items)
    world.refresh()
    (theme,) = top_themes(reader())["themes"]
    assert [c.display for c in theme["trend"]] == [4, 5]
    assert theme["total"].display == 9


@pytest.mark.django_db
@pytest.mark.parametrize("organisations", SMALL)
def test_theme_quotes_from_few_organisations_are_never_shown(world, organisations):
    big = world.meeting(organisations=3, month=JAN)
    small = world.meeting(organisations=organisations, month=FEB)
    quoted = world.feedback(small, 2, text="The invoices are wrong every month.")
    _theme("Invoices", world.feedback(big, 4) + quoted, examples=quoted)
    world.refresh()
    (theme,) = top_themes(reader())["themes"]
    assert theme["total"].display == 4
    assert theme["quotes"].extra["texts"] == []


@pytest.mark.django_db
def test_theme_quotes_from_enough_organisations_are_shown(world):
    meetings = [world.meeting(organisations=1, month=JAN) for _ in range(3)]
    quoted = [world.feedback(m, 1, text=f"Invoice quote {i}.")[0] for i, m in enumerate(meetings)]
    _theme("Invoices", quoted, examples=quoted)
    world.refresh()
    (theme,) = top_themes(reader())["themes"]
    assert not theme["quotes"].hidden
    assert sorted(theme["quotes"].extra["texts"]) == [
        "Invoice quote 0.",
        "Invoice quote 1.",
        "Invoice quote 2.",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("organisations", SMALL)
def test_simplify_and_dream_lists_from_few_organisations_are_empty(world, organisations):
    small = world.meeting(organisations=organisations, month=JAN)
    (item,) = world.feedback(small, 1, kind="idea", text="My dream: one portal for everything.")
    world.highlight(item, Highlight.List.DREAM)
    (other,) = world.feedback(small, 1, kind="concern", text="Three forms could be eliminated.")
    world.highlight(other, Highlight.List.SIMPLIFY)
    world.refresh()
    lists = highlights(Filters())
    assert lists["dream"].extra["texts"] == []
    assert lists["simplify"].extra["texts"] == []


@pytest.mark.django_db
def test_simplify_list_from_enough_organisations_is_shown(world):
    meeting = world.meeting(organisations=3, month=JAN)
    (item,) = world.feedback(meeting, 1, text="Three forms could be eliminated.")
    world.highlight(item, Highlight.List.SIMPLIFY)
    world.refresh()
    assert highlights(Filters())["simplify"].extra["texts"] == ["Three forms could be eliminated."]


@pytest.mark.django_db
@pytest.mark.parametrize("organisations", SMALL)
def test_meeting_kind_from_few_organisations_is_left_out(world, organisations):
    world.meeting(organisations=3, month=JAN, kind="4f")
    world.meeting(organisations=4, month=JAN, kind="4f")
    world.meeting(organisations=organisations, month=JAN, kind="war")
    world.refresh()
    result = meeting_kinds(Filters())
    (jan,) = result["rows"]
    cells = {c["kind"]: c for c in jan["cells"]}
    assert cells["war"]["slice"].display == 0
    assert cells["4f"]["slice"].display == 2
    assert jan["total"].display == 2


@pytest.mark.django_db
@pytest.mark.parametrize("organisations", SMALL)
def test_flagged_love_in_from_few_organisations_is_not_counted(world, organisations):
    small = world.meeting(organisations=organisations, month=JAN)
    world.feedback(small, 5, kind="praise", sentiment="positive")
    world.refresh()
    flags = {s.key[0]: s for s in meeting_kinds(Filters())["flags"]}
    assert flags["love_in"].display == 0


@pytest.mark.django_db
def test_flagged_love_ins_from_enough_organisations_are_counted(world):
    for _ in range(2):
        meeting = world.meeting(organisations=2, month=JAN)
        world.feedback(meeting, 5, kind="praise", sentiment="positive")
    talkative = world.meeting(organisations=3, month=JAN)
    world.feedback(talkative, 5, kind="concern")
    world.refresh()
    flags = {s.key[0]: s for s in meeting_kinds(Filters())["flags"]}
    assert flags["love_in"].display == 2


@pytest.mark.django_db
@pytest.mark.parametrize("organisations", SMALL)
def test_actions_from_few_organisations_are_not_counted(world, organisations):
    small = world.meeting(organisations=organisations, month=JAN)
    (concern,) = world.feedback(small, 1, kind="concern")
    f.ActionFactory(meeting=small, feedback_item=concern, status=Action.Status.DONE)
    f.ActionFactory(meeting=small, due_date=dt.date(2020, 1, 1))
    publish_follow_up(small)
    world.refresh()
    reader_ = reader()
    concerns = concerns_by_section(reader_)["total"]
    result = actions_summary(Filters(), reader_, concerns)
    assert result["open"].display == 0
    assert result["overdue"].display == 0
    assert result["answered"].display == 0
    assert result["answered_share"] is None


@pytest.mark.django_db
def test_actions_and_share_answered_by_a_published_you_said_we_did(world):
    big = world.meeting(organisations=3, month=JAN)
    answered = world.meeting(organisations=3, month=JAN)
    world.feedback(big, 3, kind="concern")
    concerns = world.feedback(answered, 1, kind="concern")
    f.ActionFactory(meeting=big, feedback_item=concerns[0], status=Action.Status.DONE)
    f.ActionFactory(meeting=big, due_date=dt.date(2020, 1, 1))
    publish_follow_up(answered)
    world.refresh()
    reader_ = reader()
    total = concerns_by_section(reader_)["total"]
    result = actions_summary(Filters(), reader_, total)
    assert result["open"].display == 1
    assert result["overdue"].display == 1
    assert result["answered_share"] == 25


@pytest.mark.django_db
def test_meetings_where_guests_said_almost_nothing_are_flagged_as_advertisements(world):
    for _ in range(2):
        meeting = world.meeting(organisations=2, month=JAN)
        world.feedback(meeting, 8, source="staff")
        world.feedback(meeting, 1, source="guest")
    rated = world.meeting(organisations=3, month=JAN, kind="advertisement")
    world.feedback(rated, 1, source="guest")
    world.refresh()
    flags = {s.key[0]: s for s in meeting_kinds(Filters())["flags"]}
    # Two unrated meetings with 4 organisations between them; the rated one is not counted.
    assert flags["advertisement"].display == 2


@pytest.mark.django_db
@pytest.mark.parametrize("organisations", SMALL)
def test_charter_gap_heard_from_few_organisations_shows_no_count_or_quote(world, organisations):
    from actions.models import Charter, ExpectationLink
    from dashboard.selectors import charter_gaps

    charter = Charter.objects.create(name="Northern Europe charter", region=world.region)
    small = world.meeting(organisations=organisations, month=JAN)
    big = [world.meeting(organisations=1, month=JAN) for _ in range(3)]
    for meeting, label in [(small, "One advocate")] + [(m, "Single invoice") for m in big]:
        (item,) = world.feedback(meeting, 1, kind="expectation", text=f"We want: {label}.")
        ExpectationLink.objects.create(
            feedback_item=item, charter=charter, label=label, linked_by=f.leader()
        )
    (gap,) = charter_gaps(Filters())
    groups = {g.label: g for g in gap["groups"]}
    assert not groups["One advocate"].shown
    assert groups["One advocate"].quotes == []
    assert groups["Single invoice"].shown
    assert groups["Single invoice"].heard == 3


@pytest.mark.django_db
def test_a_small_meeting_is_quoted_when_its_cell_has_enough_organisations(world):
    """The rule is the cell's, not the meeting's: a one-organisation meeting sharing every
    dimension with others is one of at least 3 organisations the quote can come from."""
    meetings = [world.meeting(organisations=1, month=JAN) for _ in range(3)]
    lonely = world.meeting(organisations=1, month=FEB)
    items = [
        world.feedback(m, 1, text=f"Quote from meeting {i}.")[0] for i, m in enumerate(meetings)
    ]
    (alone,) = world.feedback(lonely, 1, text="Quote from February.")
    _theme("Invoices", [*items, alone], examples=[*items, alone])
    world.refresh()
    published = set(ThemeItem.objects.filter(published=True).values_list("item_id", flat=True))
    assert published == {i.pk for i in items}
    (theme,) = top_themes(reader())["themes"]
    assert "Quote from February." not in theme["quotes"].extra["texts"]
    assert theme["total"].display == 3
