""" "Recover now": a concern marked during capture becomes exactly one action, owned by the
meeting's leader and due within 48 hours; only the meeting's facilitators and leader mark it."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from actions.models import Action
from actions.services import action_recover_now, action_set_status
from feedback.models import FeedbackItem
from meetings.models import Meeting
from tests.factories import (
    FeedbackItemFactory,
    MeetingFactory,
    UserFactory,
    facilitator,
    leader,
)

pytestmark = pytest.mark.django_db

# A Tuesday at 10:30 in London (UTC in winter).
MARKED = dt.datetime(2026, 3, 10, 10, 30, tzinfo=dt.UTC)


@pytest.fixture
def meeting():
    host = facilitator()
    meeting = MeetingFactory(
        facilitators=[host],
        status=Meeting.Status.INVITED,
        starts_at=MARKED - dt.timedelta(hours=1),
        ends_at=MARKED + dt.timedelta(hours=2),
    )
    meeting.host = host
    return meeting


@pytest.fixture
def concern(meeting):
    return FeedbackItemFactory(
        meeting=meeting, kind=FeedbackItem.Kind.CONCERN, text="Invoices arrive a month late."
    )


def _mark(client, user, item):
    client.force_login(user)
    with time_machine.travel(MARKED, tick=False):
        return client.post(reverse("actions:recover_now", args=[item.pk]))


def test_recover_now_creates_one_action_owned_by_the_leader_due_within_48_hours(
    client, meeting, concern
):
    response = _mark(client, meeting.host, concern)
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.recover_now
    assert action.owner == meeting.owner
    assert action.created_by == meeting.host
    assert action.feedback_item == concern
    assert action.meeting == meeting
    assert action.region == meeting.region
    assert action.due_date == dt.date(2026, 3, 12)
    assert action.due_date - MARKED.date() <= dt.timedelta(days=2)
    assert "Invoices arrive a month late." in action.title


def test_marking_again_or_by_another_person_creates_no_second_action(client, meeting, concern):
    _mark(client, meeting.host, concern)
    _mark(client, meeting.owner, concern)
    with time_machine.travel(MARKED + dt.timedelta(days=1), tick=False):
        again, created = action_recover_now(item=concern, by=meeting.host)
    assert not created
    assert Action.objects.count() == 1
    assert again.due_date == dt.date(2026, 3, 12)


def test_the_database_holds_one_recovery_per_concern(meeting, concern):
    action_recover_now(item=concern, by=meeting.host, now=MARKED)
    with pytest.raises(Exception, match="action_one_recovery_per_item|UNIQUE|unique"):
        Action.objects.create(
            title="Second",
            owner=meeting.owner,
            created_by=meeting.owner,
            due_date=dt.date(2026, 3, 12),
            feedback_item=concern,
            recover_now=True,
        )


def test_only_a_concern_is_recovered(meeting):
    praise = FeedbackItemFactory(meeting=meeting, kind=FeedbackItem.Kind.PRAISE)
    with pytest.raises(ValidationError):
        action_recover_now(item=praise, by=meeting.host, now=MARKED)
    assert not Action.objects.exists()


def test_due_date_follows_the_travelled_clock(meeting, concern):
    late = dt.datetime(2026, 3, 13, 23, 30, tzinfo=dt.UTC)  # Friday night
    action, _created = action_recover_now(item=concern, by=meeting.host, now=late)
    assert action.due_date == dt.date(2026, 3, 15)


@pytest.mark.parametrize(
    "who", ["other_facilitator", "other_leader", "executive", "administrator", "co_owner"]
)
def test_who_may_mark_it(client, meeting, concern, who):
    users = {
        "other_facilitator": facilitator(),
        "other_leader": leader(),
        "executive": UserFactory(role=Role.EXECUTIVE),
        "administrator": UserFactory(role=Role.ADMINISTRATOR),
        "co_owner": leader(),
    }
    user = users[who]
    if who == "co_owner":
        meeting.co_owners.add(user)
    response = _mark(client, user, concern)
    if who == "co_owner":
        assert response.status_code == 302
        assert Action.objects.get().owner == meeting.owner
    else:
        assert response.status_code in (403, 404)
        assert not Action.objects.exists()


def test_a_closed_meeting_is_not_marked(client, meeting, concern):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CLOSED)
    response = _mark(client, meeting.host, concern)
    assert response.status_code == 403
    assert not Action.objects.exists()


def test_htmx_answer_replaces_the_button_with_the_action(client, meeting, concern):
    client.force_login(meeting.host)
    with time_machine.travel(MARKED, tick=False):
        response = client.post(
            reverse("actions:recover_now", args=[concern.pk]), headers={"HX-Request": "true"}
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="recovery-{concern.pk}"' in html
    assert "due Thu 12 Mar" in html


def test_the_capture_page_offers_recover_now_under_concerns_only(client, meeting, concern):
    FeedbackItemFactory(meeting=meeting, kind=FeedbackItem.Kind.PRAISE)
    client.force_login(meeting.host)
    html = client.get(reverse("feedback:capture", args=[meeting.pk])).content.decode()
    assert html.count(reverse("actions:recover_now", args=[concern.pk])) == 2  # action, hx-post
    assert html.count("/actions/recover/") == 2


def test_recover_now_query_count(client, meeting, concern, django_assert_max_num_queries):
    client.force_login(meeting.host)
    with time_machine.travel(MARKED, tick=False), django_assert_max_num_queries(35):
        client.post(reverse("actions:recover_now", args=[concern.pk]))


def test_completing_the_action_records_the_day(meeting, concern):
    action, _created = action_recover_now(item=concern, by=meeting.host, now=MARKED)
    action_set_status(
        action=action, by=meeting.owner, status=Action.Status.DONE, today=dt.date(2026, 3, 11)
    )
    action.refresh_from_db()
    assert action.completed_on == dt.date(2026, 3, 11)


def test_the_button_is_offered_only_where_it_works(client, meeting, concern):
    url = reverse("feedback:capture", args=[meeting.pk])
    button = reverse("actions:recover_now", args=[concern.pk])
    client.force_login(meeting.owner)  # the leader reads the capture page and may mark
    assert button in client.get(url).content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CLOSED)
    client.force_login(meeting.host)
    assert button not in client.get(url).content.decode()
