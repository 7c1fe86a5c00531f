import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from tests.factories import (
    AgendaItemFactory,
    BookingFactory,
    MeetingFactory,
    administrator,
    executive,
    facilitator,
    leader,
)

pytestmark = pytest.mark.django_db
Status = Meeting.Status


def past_meeting(**kwargs):
    start = timezone.now() - dt.timedelta(days=2)
    return MeetingFactory(starts_at=start, ends_at=start + dt.timedelta(hours=3), **kwargs)


def test_full_life_of_a_meeting():
    meeting = MeetingFactory()
    BookingFactory(meeting=meeting)
    AgendaItemFactory(meeting=meeting)
    services.meeting_transition(meeting=meeting, to=Status.INVITED, by=meeting.owner)
    assert meeting.status == Status.INVITED
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=4),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    meeting.refresh_from_db()
    services.meeting_transition(meeting=meeting, to=Status.HELD, by=meeting.owner)
    with pytest.raises(ValidationError, match="Rate the meeting"):
        services.meeting_transition(meeting=meeting, to=Status.CLOSED, by=meeting.owner)
    services.meeting_rate_kind(meeting=meeting, kind="4f", reason="Frank talk", by=meeting.owner)
    services.meeting_transition(meeting=meeting, to=Status.CLOSED, by=meeting.owner)
    meeting.refresh_from_db()
    assert meeting.status == Status.CLOSED
    assert meeting.kind == "4f"


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (Status.DRAFT, Status.CLOSED),
        (Status.INVITED, Status.CLOSED),
        (Status.HELD, Status.CANCELLED),
        (Status.CLOSED, Status.DRAFT),
        (Status.CANCELLED, Status.INVITED),
    ],
)
def test_transitions_outside_the_workflow_are_refused(start, to):
    meeting = past_meeting(status=start, kind="4f")
    with pytest.raises(ValidationError, match="cannot be marked"):
        services.meeting_transition(meeting=meeting, to=to, by=meeting.owner)
    meeting.refresh_from_db()
    assert meeting.status == start


def test_a_walk_in_meeting_recorded_after_its_start_is_held_without_inviting():
    meeting = past_meeting()
    assert services.meeting_allowed_transitions(meeting=meeting) == (Status.HELD, Status.CANCELLED)
    BookingFactory(meeting=meeting)
    with pytest.raises(ValidationError, match="Mark it held"):
        services.meeting_transition(meeting=meeting, to=Status.INVITED, by=meeting.owner)
    services.meeting_transition(meeting=meeting, to=Status.HELD, by=meeting.owner)
    meeting.refresh_from_db()
    assert meeting.status == Status.HELD


def test_a_draft_still_to_come_is_invited_not_held():
    meeting = MeetingFactory()
    assert services.meeting_allowed_transitions(meeting=meeting) == (
        Status.INVITED,
        Status.CANCELLED,
    )
    with pytest.raises(ValidationError, match="only once it has started"):
        services.meeting_transition(meeting=meeting, to=Status.HELD, by=meeting.owner)


def test_invite_needs_a_guest():
    meeting = MeetingFactory()
    with pytest.raises(ValidationError, match="at least one guest"):
        services.meeting_transition(meeting=meeting, to=Status.INVITED, by=meeting.owner)


def test_a_future_meeting_cannot_be_marked_held():
    meeting = MeetingFactory(status=Status.INVITED)
    with pytest.raises(ValidationError, match="once it has started"):
        services.meeting_transition(meeting=meeting, to=Status.HELD, by=meeting.owner)


def test_rating_needs_a_reason_and_a_held_meeting():
    meeting = past_meeting(status=Status.HELD)
    with pytest.raises(ValidationError, match="Say why"):
        services.meeting_rate_kind(meeting=meeting, kind="war", reason=" ", by=meeting.owner)
    draft = MeetingFactory()
    with pytest.raises(ValidationError, match="held meeting"):
        services.meeting_rate_kind(meeting=draft, kind="war", reason="x", by=draft.owner)


def perms_of(user, meeting):
    return {
        name
        for name in (
            "view_meeting",
            "change_meeting",
            "book_guests",
            "prepare_meeting",
            "mark_attendance",
            "rate_meeting",
            "close_meeting",
        )
        if user.has_perm(f"meetings.{name}", meeting)
    }


def test_who_may_do_what():
    owner, co_owner, other_leader = leader(), leader(), leader()
    fac, other_fac = facilitator(), facilitator()
    meeting = MeetingFactory(owner=owner, facilitators=[fac])
    meeting.co_owners.add(co_owner)
    everything = {
        "view_meeting",
        "change_meeting",
        "book_guests",
        "prepare_meeting",
        "mark_attendance",
        "close_meeting",
    }
    assert perms_of(owner, meeting) == everything
    assert perms_of(co_owner, meeting) == everything
    assert perms_of(other_leader, meeting) == {"view_meeting"}
    assert perms_of(fac, meeting) == {
        "view_meeting",
        "prepare_meeting",
        "mark_attendance",
        "rate_meeting",
    }
    assert perms_of(other_fac, meeting) == set()
    assert perms_of(executive(), meeting) == set()
    assert perms_of(administrator(), meeting) == everything | {"rate_meeting"}


def test_another_leader_cannot_edit_or_reorder_a_meeting_they_do_not_own(client):
    meeting = MeetingFactory()
    client.force_login(leader())
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("meetings:edit", args=[meeting.pk])).status_code == 403
    response = client.post(reverse("meetings:customer_first", args=[meeting.pk]))
    assert response.status_code == 403


def test_facilitator_cannot_see_meetings_they_do_not_facilitate(client):
    meeting = MeetingFactory()
    client.force_login(facilitator())
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404


def test_executive_has_no_meeting_pages(client):
    client.force_login(executive())
    assert client.get(reverse("meetings:list")).status_code == 403
    assert client.get(reverse("meetings:create")).status_code == 403
    assert client.get(reverse("meetings:rhythm")).status_code == 403


def test_facilitator_cannot_close_but_owner_can(client):
    fac = facilitator()
    meeting = past_meeting(status=Status.HELD, kind="4f", kind_reason="ok", facilitators=[fac])
    client.force_login(fac)
    url = reverse("meetings:transition", args=[meeting.pk])
    assert client.post(url, {"to": "closed"}).status_code == 403
    client.force_login(meeting.owner)
    assert client.post(url, {"to": "closed"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.CLOSED


def test_facilitator_rates_the_meeting_from_its_page(client):
    fac = facilitator()
    meeting = past_meeting(status=Status.HELD, facilitators=[fac])
    client.force_login(fac)
    response = client.post(
        reverse("meetings:rate", args=[meeting.pk]),
        {"kind": "love_in", "reason": "All praise, nothing to improve."},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.get_kind_display() == "Love-In"
    assert meeting.kind_rated_by == fac


def test_a_closed_meeting_can_no_longer_be_changed():
    meeting = past_meeting(status=Status.CLOSED, kind="4f")
    AgendaItemFactory(meeting=meeting)
    with pytest.raises(ValidationError, match="closed"):
        services.meeting_reorder_customer_first(meeting=meeting)
    with pytest.raises(ValidationError, match="closed"):
        services.agenda_item_add(meeting=meeting, section="customer", title="Late")
    with pytest.raises(ValidationError, match="closed"):
        services.meeting_update(meeting=meeting, title="Renamed")
    meeting.refresh_from_db()
    assert meeting.agenda_items.count() == 1
    assert meeting.title != "Renamed"


def test_facilitators_and_executives_cannot_create_meetings(client):
    for user in (facilitator(), executive()):
        client.force_login(user)
        assert client.get(reverse("meetings:create")).status_code == 403


def test_invite_needs_where_why_and_what():
    meeting = MeetingFactory(place="", video_link="", objectives="")
    BookingFactory(meeting=meeting)
    with pytest.raises(ValidationError) as refused:
        services.meeting_transition(meeting=meeting, to=Status.INVITED, by=meeting.owner)
    assert str(refused.value.messages[0]) == (
        "Before inviting, add a place or a video link and the objectives and an agenda."
    )
    meeting.refresh_from_db()
    assert meeting.status == Status.DRAFT
