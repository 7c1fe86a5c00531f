"""Who may capture, read and change a meeting's feedback.

Capture belongs to the meeting's facilitators; its owner and co-owners may read it;
nobody else — not even an administrator — sees a meeting's items on these pages.
Closing the meeting locks its items. Views test these rules with `rules.test_rule`
so that no superuser shortcut applies.
"""

import rules

from meetings.models import Meeting

LOCKED_STATUSES = (Meeting.Status.CLOSED, Meeting.Status.CANCELLED)


def _prefetched_member(meeting, relation: str, user) -> bool | None:
    """Membership read from a prefetched relation (the meeting page prefetches them)."""
    cache = getattr(meeting, "_prefetched_objects_cache", {})
    if relation in cache:
        return any(member.pk == user.pk for member in cache[relation])
    return None


def _annotated(meeting, user, name: str):
    """An answer the capture selector annotated for this very user, if any."""
    if getattr(meeting, "annotated_for_user_id", None) == user.pk:
        return getattr(meeting, name, None)
    return None


@rules.predicate
def is_meeting_facilitator(user, meeting) -> bool:
    if meeting is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    annotated = _annotated(meeting, user, "user_is_facilitator")
    if annotated is None:
        annotated = _prefetched_member(meeting, "facilitators", user)
    if annotated is not None:
        return bool(annotated)
    return meeting.facilitators.filter(pk=user.pk).exists()


@rules.predicate
def is_meeting_owner(user, meeting) -> bool:
    if meeting is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if meeting.owner_id == user.pk:
        return True
    annotated = _annotated(meeting, user, "user_is_co_owner")
    if annotated is None:
        annotated = _prefetched_member(meeting, "co_owners", user)
    if annotated is not None:
        return bool(annotated)
    return meeting.co_owners.filter(pk=user.pk).exists()


@rules.predicate
def meeting_is_open(user, meeting) -> bool:
    return meeting is not None and meeting.status not in LOCKED_STATUSES


can_capture = is_meeting_facilitator & meeting_is_open
can_read = is_meeting_facilitator | is_meeting_owner

rules.add_rule("feedback.capture", can_capture)
rules.add_rule("feedback.read", can_read)
rules.add_perm("feedback.capture_feedback", can_capture)
rules.add_perm("feedback.read_feedback", can_read)
