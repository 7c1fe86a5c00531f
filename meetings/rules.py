"""Who may do what with meetings.

- Administrators: everything.
- Leaders: see every meeting; manage (edit, agenda, guests, invite, cancel, close)
  the meetings they own or co-own.
- Facilitators: see and prepare (checklist, questions, attendance, the kind rating)
  the meetings they facilitate.
- Executives: no meeting management, and no meeting pages (the dashboard is theirs).
- Agenda templates and the question bank: administrators manage all of them; leaders
  add their own and change or delete only those (shared ones and seed questions stay
  the administrators').

Guests' names on a meeting page follow customers/rules.py (least access to contact
details): administrators, the meeting's owner, co-owners and facilitators see them, and
a leader who leads the meeting's region or the guest's; anyone else reads "A guest" and
the organisation.
"""

import rules

from accounts.rules import is_administrator, is_facilitator, is_leader


def _signed_in(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def _member(user, meeting, relation: str, annotation: str) -> bool:
    """Whether the user is in one of the meeting's people relations, read without a query
    when the meeting carries the answer: annotated by a selector for this very user
    (`annotation`, with `annotated_for_user_id`, as `feedback.selectors.meeting_for_capture`
    does) or prefetched (the meeting page prefetches its people)."""
    if getattr(meeting, "annotated_for_user_id", None) == user.pk:
        annotated = getattr(meeting, annotation, None)
        if annotated is not None:
            return bool(annotated)
    prefetched = getattr(meeting, "_prefetched_objects_cache", {})
    if relation in prefetched:
        return any(member.pk == user.pk for member in prefetched[relation])
    return getattr(meeting, relation).filter(pk=user.pk).exists()


@rules.predicate
def owns_meeting(user, meeting) -> bool:
    """The user owns or co-owns the meeting. The one "owns the meeting" rule: `feedback`
    and `actions` build on it."""
    if meeting is None or not _signed_in(user):
        return False
    return meeting.owner_id == user.pk or _member(user, meeting, "co_owners", "user_is_co_owner")


@rules.predicate
def facilitates_meeting(user, meeting) -> bool:
    """The user is one of the meeting's facilitators (the one rule, used by `feedback`)."""
    if meeting is None or not _signed_in(user):
        return False
    return _member(user, meeting, "facilitators", "user_is_facilitator")


manages_meeting = is_administrator | (is_leader & owns_meeting)
prepares_meeting = manages_meeting | (is_facilitator & facilitates_meeting)

rules.add_perm("meetings.view_guest_details", prepares_meeting)
rules.add_perm("meetings.view_meeting_list", is_administrator | is_leader | is_facilitator)
rules.add_perm("meetings.add_meeting", is_administrator | is_leader)
rules.add_perm("meetings.view_meeting", is_administrator | is_leader | prepares_meeting)
rules.add_perm("meetings.change_meeting", manages_meeting)
rules.add_perm("meetings.book_guests", manages_meeting)
rules.add_perm("meetings.prepare_meeting", prepares_meeting)
rules.add_perm("meetings.mark_attendance", prepares_meeting)
rules.add_perm("meetings.rate_meeting", is_administrator | (is_facilitator & facilitates_meeting))
rules.add_perm("meetings.close_meeting", manages_meeting)
rules.add_perm("meetings.manage_question_bank", is_administrator)


@rules.predicate
def owns_library_entry(user, entry) -> bool:
    """An agenda template or question the user added (shared ones have no owner)."""
    return entry is not None and entry.owner_id is not None and entry.owner_id == user.pk


rules.add_perm("meetings.add_library_entry", is_administrator | is_leader)
rules.add_perm("meetings.change_library_entry", is_administrator | (is_leader & owns_library_entry))
