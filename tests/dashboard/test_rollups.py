"""Filtered views read the per-dimension roll-ups or the cube: same counts, same suppression."""

import datetime as dt

import pytest

from dashboard.models import FeedbackByDimension
from dashboard.selectors import CubeReader, Filters, concerns_by_section, item_q, volume_by_month
from feedback.models import FeedbackItem
from tests import factories as f

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)
SMALL = [1, 2]

# One filter alone reads its roll-up; two or more read the full cube.
FILTERS = {
    "country": {"country": "IE"},
    "meeting type": {"meeting_type": "panel"},
    "meeting kind": {"meeting_kind": "war"},
    "journey stage": {"stage": "STAGE"},
    "country + meeting kind": {"country": "IE", "meeting_kind": "war"},
    "meeting type + stage + section": {
        "meeting_type": "panel",
        "stage": "STAGE",
        "section": "finance",
    },
}
MATCHING = {"country": "IE", "type": "panel", "kind": "war"}


def filters_for(case: str, stage) -> Filters:
    values = {k: (stage.pk if v == "STAGE" else v) for k, v in FILTERS[case].items()}
    return Filters(**values)


def a_mixed_world(world, stage, other_stage):
    """Meetings matching the filters and meetings that do not, all with enough guests."""
    for month in (JAN, FEB):
        for country, type_, kind in (("IE", "panel", "war"), ("GB", "leadership", "4f")):
            meeting = world.meeting(
                organisations=3, month=month, country=country, type=type_, kind=kind
            )
            for section, chosen in (("finance", stage), ("customer", other_stage)):
                world.feedback(meeting, 2, section=section, stage=chosen)
                world.feedback(
                    meeting, 1, section=section, stage=chosen, kind=FeedbackItem.Kind.PRAISE
                )
            world.feedback(meeting, 1, section="finance", stage=None)


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(FILTERS))
def test_filtered_volume_counts_exactly_the_matching_items(world, case):
    stage, other_stage = f.JourneyStageFactory(), f.JourneyStageFactory()
    a_mixed_world(world, stage, other_stage)
    world.refresh()
    filters = filters_for(case, stage)
    volume = volume_by_month(CubeReader(filters))
    expected = FeedbackItem.objects.filter(item_q(filters)).count()
    assert 0 < expected < FeedbackItem.objects.count()
    assert volume["total"].display == expected
    assert [r["total"].display for r in volume["rows"]] == [expected // 2, expected // 2]
    concerns = concerns_by_section(CubeReader(filters))
    assert (
        concerns["total"].display
        == FeedbackItem.objects.filter(item_q(filters), kind=FeedbackItem.Kind.CONCERN).count()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("organisations", SMALL)
@pytest.mark.parametrize("case", list(FILTERS))
def test_filtered_month_from_few_organisations_is_left_out(world, case, organisations):
    stage, other_stage = f.JourneyStageFactory(), f.JourneyStageFactory()
    big = world.meeting(organisations=3, month=JAN, **MATCHING)
    small = world.meeting(organisations=organisations, month=FEB, **MATCHING)
    for meeting in (big, small):
        world.feedback(meeting, 4, section="finance", stage=stage)
    # Plenty of organisations behind February outside the filter: the roll-up must not
    # lend them to the filtered view.
    outside = world.meeting(organisations=3, month=FEB, country="GB", type="leadership", kind="4f")
    world.feedback(outside, 4, section="finance", stage=other_stage)
    world.refresh()
    volume = volume_by_month(CubeReader(filters_for(case, stage)))
    # February's cell has too few organisations: it is in no view, so the whole minus
    # January gives nothing either.
    assert [r["month"] for r in volume["rows"]] == [JAN]
    assert volume["total"].display == 4


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["country", "journey stage", "country + meeting kind"])
def test_two_small_meetings_of_different_organisations_are_enough_together(world, case):
    stage = f.JourneyStageFactory()
    for _ in range(2):
        meeting = world.meeting(organisations=2, month=JAN, **MATCHING)
        world.feedback(meeting, 3, section="finance", stage=stage)
    world.refresh()
    (jan,) = volume_by_month(CubeReader(filters_for(case, stage)))["rows"]
    assert jan["total"].display == 6


@pytest.mark.django_db
def test_each_dimension_value_has_its_own_roll_up(world):
    stage = f.JourneyStageFactory()
    meeting = world.meeting(organisations=3, month=JAN, **MATCHING)
    world.feedback(meeting, 2, stage=stage)
    world.feedback(meeting, 1, stage=None)
    world.refresh()
    rows = {
        (r.dimension, r.value): r.n
        for r in FeedbackByDimension.objects.filter(month=JAN, region_id=world.region.pk)
    }
    assert rows == {
        ("country", "IE"): 3,
        ("meeting_type", "panel"): 3,
        ("meeting_kind", "war"): 3,
        # Items without a stage are only in the other roll-ups.
        ("stage", str(stage.pk)): 2,
    }
