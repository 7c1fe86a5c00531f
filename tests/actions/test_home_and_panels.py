import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from actions.meeting_panels import meeting_panels
from tests.factories import ActionFactory, MeetingFactory, executive, facilitator, leader

pytestmark = pytest.mark.django_db


def test_leader_home_lists_my_open_actions_and_how_many_are_overdue(client):
    me = leader()
    ActionFactory(
        title="Ring the key account", owner=me, due_date=timezone.localdate() - dt.timedelta(days=1)
    )
    ActionFactory(title="Not mine", owner=leader())
    client.force_login(me)
    content = client.get(reverse("home_leader")).content.decode()
    assert "My actions" in content
    assert "Ring the key account" in content
    assert "1 overdue" in content
    assert "Not mine" not in content


def test_facilitator_home_has_my_actions(client):
    me = facilitator()
    ActionFactory(title="Brief the support team", owner=me)
    client.force_login(me)
    assert "Brief the support team" in client.get(reverse("home_facilitator")).content.decode()


def test_executive_home_shows_open_actions_by_region(client):
    meeting = MeetingFactory()
    ActionFactory(
        meeting=meeting, region=meeting.region, due_date=timezone.localdate() - dt.timedelta(days=3)
    )
    client.force_login(executive())
    content = client.get(reverse("home_executive")).content.decode()
    assert "Open actions" in content
    assert meeting.region.name in content


def test_meeting_panel_lists_the_meetings_actions_and_offers_the_follow_up(rf):
    meeting = MeetingFactory(
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=2) + dt.timedelta(hours=2),
        status="held",
    )
    ActionFactory(title="Fix the invoice run", meeting=meeting)
    ActionFactory(title="Other meeting's action")
    [panel] = meeting_panels(meeting=meeting, user=meeting.owner)
    assert panel["title"] == "Actions and follow-up"
    request = rf.get("/")
    request.user = meeting.owner
    html = render_to_string(panel["template"], {"panel": panel}, request=request)
    assert "Fix the invoice run" in html
    assert "Other meeting" not in html
    assert reverse("actions:follow_up_compose", args=[meeting.pk]) in html


def test_meeting_panel_hides_the_follow_up_button_from_other_leaders(rf):
    meeting = MeetingFactory(status="held")
    [panel] = meeting_panels(meeting=meeting, user=leader())
    assert panel["can_send"] is False


def test_meeting_panel_query_count_does_not_grow_with_actions(django_assert_max_num_queries):
    meeting = MeetingFactory(status="held")
    for _ in range(10):
        ActionFactory(meeting=meeting, owner=leader())
    user = meeting.owner
    user.role_names  # noqa: B018 - roles are read once per request in real use
    with django_assert_max_num_queries(2):
        [panel] = meeting_panels(meeting=meeting, user=user)
    assert len(panel["actions"]) == 10
