import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import Action
from tests.factories import (
    ActionFactory,
    FeedbackItemFactory,
    MeetingFactory,
    UserFactory,
    administrator,
    executive,
    facilitator,
    leader,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


def test_leader_creates_action_from_a_concern_and_it_takes_the_meeting_and_region():
    meeting = MeetingFactory()
    concern = FeedbackItemFactory(meeting=meeting, text="Invoices arrive late every month.")
    creator = leader()
    owner = facilitator()
    action = services.action_create(
        created_by=creator,
        title="Send invoices on the 1st",
        owner=owner,
        due_date=TODAY,
        feedback_item=concern,
        today=TODAY,
    )
    assert action.status == Action.Status.OPEN
    assert action.meeting == meeting
    assert action.region == meeting.region
    assert action.owner == owner


def test_due_date_in_the_past_is_refused_and_nothing_is_created():
    with pytest.raises(ValidationError) as error:
        services.action_create(
            created_by=leader(),
            title="Late already",
            owner=leader(),
            due_date=TODAY - dt.timedelta(days=1),
            today=TODAY,
        )
    assert "in the past" in str(error.value)
    assert not Action.objects.exists()


@pytest.mark.parametrize("make_owner", [executive, UserFactory], ids=["executive-only", "no role"])
def test_owner_without_access_is_refused(make_owner):
    owner = make_owner()
    with pytest.raises(ValidationError) as error:
        services.action_create(
            created_by=leader(), title="Call back", owner=owner, due_date=TODAY, today=TODAY
        )
    assert "cannot own an action" in str(error.value)
    assert not Action.objects.exists()


def test_inactive_leader_cannot_own_an_action():
    owner = leader(is_active=False)
    assert not services.user_may_own_actions(owner)


def test_wont_do_needs_a_reason_and_keeps_status_otherwise():
    action = ActionFactory()
    with pytest.raises(ValidationError):
        services.action_set_status(action=action, by=action.owner, status=Action.Status.WONT_DO)
    action.refresh_from_db()
    assert action.status == Action.Status.OPEN


def test_done_records_what_was_done_and_reopening_clears_completion():
    action = ActionFactory()
    services.action_set_status(
        action=action,
        by=action.owner,
        status=Action.Status.DONE,
        what_was_done="Invoices now leave on the 1st.",
        today=TODAY,
    )
    action.refresh_from_db()
    assert action.completed_on == TODAY
    assert action.what_was_done == "Invoices now leave on the 1st."
    services.action_set_status(action=action, by=action.owner, status=Action.Status.IN_PROGRESS)
    action.refresh_from_db()
    assert action.completed_on is None
    assert action.status == Action.Status.IN_PROGRESS


def test_wont_do_with_reason_is_recorded():
    action = ActionFactory()
    services.action_set_status(
        action=action, by=action.owner, status=Action.Status.WONT_DO, reason="Out of our hands."
    )
    action.refresh_from_db()
    assert action.status == Action.Status.WONT_DO
    assert action.status_reason == "Out of our hands."


def _who(kind, action):
    meeting = action.meeting
    return {
        "owner": lambda: action.owner,
        "meeting owner": lambda: meeting.owner,
        "meeting co-owner": lambda: meeting.co_owners.first(),
        "administrator": administrator,
        "other leader": leader,
        "facilitator of the meeting": lambda: meeting.facilitators.first(),
        "executive": executive,
        "no role": UserFactory,
    }[kind]()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("owner", True),
        ("meeting owner", True),
        ("meeting co-owner", True),
        ("administrator", True),
        ("other leader", False),
        ("facilitator of the meeting", False),
        ("executive", False),
        ("no role", False),
    ],
)
def test_who_may_change_an_actions_status(client, who, allowed):
    meeting = MeetingFactory(facilitators=[facilitator()])
    meeting.co_owners.add(leader())
    action = ActionFactory(meeting=meeting, owner=facilitator())
    user = _who(who, action)
    client.force_login(user)
    response = client.post(
        reverse("actions:status", args=[action.pk]),
        {"status": "done", "what_was_done": "Fixed."},
    )
    action.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert action.status == Action.Status.DONE
    else:
        assert response.status_code == 403
        assert action.status == Action.Status.OPEN


def test_service_refuses_a_status_change_by_someone_else():
    action = ActionFactory()
    with pytest.raises(PermissionDenied):
        services.action_set_status(action=action, by=leader(), status=Action.Status.DONE)


def test_executive_reads_actions_but_cannot_create(client):
    ActionFactory(title="Answer within a day")
    client.force_login(executive())
    assert b"Answer within a day" in client.get(reverse("actions:list")).content
    assert client.get(reverse("actions:create")).status_code == 403


def test_user_without_role_cannot_see_actions(client):
    client.force_login(UserFactory())
    assert client.get(reverse("actions:list")).status_code == 403


def test_create_page_explains_a_past_due_date_and_keeps_the_input(client):
    user = leader()
    client.force_login(user)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        reverse("actions:create"),
        {"title": "Ring every key account", "owner": user.pk, "due_date": yesterday.isoformat()},
    )
    assert response.status_code == 400
    assert "is in the past; choose today or later" in response.content.decode()
    assert b"Ring every key account" in response.content
    assert not Action.objects.exists()


def test_create_page_explains_an_owner_without_access(client):
    client.force_login(leader())
    board = executive(first_name="Esme", last_name="Board")
    response = client.post(
        reverse("actions:create"),
        {"title": "Ring", "owner": board.pk, "due_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert "Esme Board cannot own an action" in response.content.decode()
    assert not Action.objects.exists()


def test_owner_choices_offer_only_people_with_access(client):
    client.force_login(leader(first_name="Lena", last_name="Lead"))
    executive(first_name="Esme", last_name="Board")
    content = client.get(reverse("actions:create")).content.decode()
    assert "Lena Lead" in content
    assert "Esme Board" not in content


def test_facilitator_creates_action_from_feedback_through_the_page(client):
    concern = FeedbackItemFactory(text="Nobody calls back after a complaint.")
    user = facilitator()
    concern.meeting.facilitators.add(user)
    client.force_login(user)
    page = client.get(reverse("actions:create") + f"?feedback={concern.pk}")
    assert b"Nobody calls back after a complaint." in page.content
    response = client.post(
        reverse("actions:create"),
        {
            "feedback": concern.pk,
            "title": "Call back within a day",
            "owner": user.pk,
            "due_date": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        },
    )
    action = Action.objects.get()
    assert response.status_code == 302
    assert action.feedback_item == concern
    assert action.meeting == concern.meeting


@pytest.mark.parametrize("make_user", [facilitator, leader])
def test_another_meetings_feedback_is_neither_shown_nor_acted_on(client, make_user):
    """Issue #18: ?feedback=<id> showed any meeting's item and created the action on it."""
    concern = FeedbackItemFactory(text="Nobody calls back after a complaint.")
    user = make_user()
    client.force_login(user)
    page = client.get(reverse("actions:create") + f"?feedback={concern.pk}")
    assert page.status_code == 404
    assert b"Nobody calls back" not in page.content
    response = client.post(
        reverse("actions:create"),
        {
            "feedback": concern.pk,
            "title": "Call back within a day",
            "owner": user.pk,
            "due_date": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 404
    assert not Action.objects.exists()
    page = client.get(reverse("actions:create") + f"?meeting={concern.meeting.pk}")
    assert page.status_code == 403


def test_moving_the_due_date_into_the_past_is_refused_but_an_overdue_action_can_be_edited():
    action = ActionFactory(due_date=TODAY - dt.timedelta(days=5))
    services.action_update(
        action=action,
        by=action.owner,
        title="Reworded",
        description="",
        owner=action.owner,
        due_date=action.due_date,
        today=TODAY,
    )
    with pytest.raises(ValidationError):
        services.action_update(
            action=action,
            by=action.owner,
            title="Reworded",
            description="",
            owner=action.owner,
            due_date=TODAY - dt.timedelta(days=1),
            today=TODAY,
        )
    action.refresh_from_db()
    assert action.due_date == TODAY - dt.timedelta(days=5)


def test_my_actions_and_overdue_pages(client):
    me = leader()
    today = timezone.localdate()
    ActionFactory(title="Mine and late", owner=me, due_date=today - dt.timedelta(days=2))
    ActionFactory(title="Mine on time", owner=me, due_date=today + dt.timedelta(days=2))
    ActionFactory(title="Someone else's, late", due_date=today - dt.timedelta(days=1))
    ActionFactory(
        title="Done and late", owner=me, due_date=today - dt.timedelta(days=9), status="done"
    )
    client.force_login(me)
    mine = client.get(reverse("actions:mine")).content.decode()
    assert "Mine and late" in mine
    assert "Mine on time" in mine
    assert "Someone else&#x27;s, late" not in mine
    assert "Done and late" not in mine
    overdue = client.get(reverse("actions:overdue")).content.decode()
    assert "Mine and late" in overdue
    assert "Someone else&#x27;s, late" in overdue
    assert "Mine on time" not in overdue
    assert "Done and late" not in overdue


def test_actions_by_region_and_by_meeting(client):
    meeting = MeetingFactory()
    other = MeetingFactory()
    ActionFactory(title="North action", meeting=meeting, region=meeting.region)
    ActionFactory(title="South action", meeting=other, region=other.region)
    client.force_login(executive())
    by_meeting = client.get(reverse("actions:list") + f"?meeting={meeting.pk}").content.decode()
    assert "North action" in by_meeting
    assert "South action" not in by_meeting
    by_region = client.get(reverse("actions:list") + f"?region={other.region.pk}").content.decode()
    assert "South action" in by_region
    assert "North action" not in by_region
    summary = client.get(reverse("actions:by_region")).content.decode()
    assert meeting.region.name in summary
    assert other.region.name in summary


def test_action_list_query_count_does_not_grow_with_actions(client, django_assert_max_num_queries):
    user = leader()
    for _ in range(15):  # 1 action gives the same count
        meeting = MeetingFactory()
        ActionFactory(meeting=meeting, region=meeting.region)
    client.force_login(user)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("actions:list"))
    assert response.status_code == 200


def test_long_lists_are_paged_and_filters_survive_paging(client):
    me = leader()
    for i in range(55):
        ActionFactory(title=f"Numbered action {i:02d}", owner=me)
    client.force_login(me)
    first = client.get(reverse("actions:list") + "?status=active").content.decode()
    assert "Page 1 of 2 (55 actions)" in first
    assert "status=active&amp;page=2" in first
    second = client.get(reverse("actions:list") + "?status=active&page=2").content.decode()
    assert "Numbered action 54" in second
    assert "Numbered action 00" not in second
