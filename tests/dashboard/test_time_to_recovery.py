"""Time to recovery on the dashboard: per region and month, suppressed like every figure."""

import datetime as dt

import pytest
from django.urls import reverse

from actions.models import Action
from actions.services import action_recover_now, action_set_status
from dashboard.selectors import Filters, dashboard_context, time_to_recovery
from feedback.models import FeedbackItem
from tests import factories as f

MARCH = dt.date(2026, 3, 1)
APRIL = dt.date(2026, 4, 1)


def _recovered(world, meeting, *, days: int):
    """A concern of `meeting` marked "Recover now" and done `days` after the meeting."""
    item = world.feedback(meeting, kind=FeedbackItem.Kind.CONCERN)[0]
    meeting.facilitators.add(host := f.facilitator())
    marked = meeting.starts_at
    action, _created = action_recover_now(item=item, by=host, now=marked)
    action_set_status(
        action=action,
        by=meeting.owner,
        status=Action.Status.DONE,
        today=item.meeting_date + dt.timedelta(days=days),
    )
    return action


@pytest.fixture
def recovered_world(world):
    # March: one meeting with four organisations (passes), recovered in 2 and 4 days.
    big = world.meeting(organisations=4, month=MARCH)
    _recovered(world, big, days=2)
    _recovered(world, big, days=4)
    # April: a meeting with two organisations (fails the threshold), recovered in 9 days.
    small = world.meeting(organisations=2, month=APRIL)
    _recovered(world, small, days=9)
    world.refresh()
    return world


def test_average_days_to_recovery_per_region_and_month(recovered_world):
    rows = time_to_recovery(Filters())["rows"]
    assert [(r.region, r.month, r.recovered.value, r.average_days) for r in rows] == [
        ("Northern Europe", MARCH, 2, 3.0)
    ]


def test_a_month_with_fewer_than_three_organisations_is_left_out_of_every_view(
    recovered_world,
):
    wide = time_to_recovery(Filters(month_from=MARCH, month_to=APRIL))["rows"]
    narrow = time_to_recovery(Filters(month_from=APRIL, month_to=APRIL))["rows"]
    assert narrow == []
    # The difference of the two views reveals nothing of April.
    assert [r.month for r in wide] == [MARCH]
    regional = time_to_recovery(Filters(regions=[recovered_world.region.pk]))["rows"]
    assert [(r.recovered.value, r.average_days) for r in regional] == [(2, 3.0)]


def test_open_recovery_actions_and_ordinary_actions_are_not_counted(world):
    meeting = world.meeting(organisations=4, month=MARCH)
    item = world.feedback(meeting, kind=FeedbackItem.Kind.CONCERN)[0]
    meeting.facilitators.add(host := f.facilitator())
    action_recover_now(item=item, by=host, now=meeting.starts_at)  # still open
    f.ActionFactory(meeting=meeting, status=Action.Status.DONE, completed_on=dt.date(2026, 3, 20))
    world.refresh()
    assert time_to_recovery(Filters())["rows"] == []


def test_the_dashboard_shows_it(recovered_world, executive_client, django_assert_max_num_queries):
    html = executive_client.get(reverse("dashboard:index")).content.decode()
    assert "Time to recovery" in html
    assert "Northern Europe" in html
    # The context's query count stays fixed: one more query for the widget, one for names.
    with django_assert_max_num_queries(40):
        dashboard_context(Filters())
