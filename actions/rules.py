"""Who may do what with actions, follow-ups and charters.

- Everyone with a role reads actions and charters (executives follow them).
- Leaders, facilitators and administrators create actions. An action tied to a meeting
  (``?meeting=``, or ``?feedback=`` for an item heard there) is created by those who take
  part in it: administrators, its owner and co-owners, its facilitators. From a feedback
  item also only by those who may read it (feedback/rules.py: not administrators).
- A concern is marked "Recover now" (a recovery action owned by the meeting's leader)
  by a facilitator of its meeting or a leader who owns or co-owns it, while the meeting
  is open; administrators and executives do not mark it.
- The status of an action is changed by its owner, the owner or a co-owner of its
  meeting, or an administrator.
- The follow-up ("you said, we did") of a meeting is composed and sent by the meeting's
  owner or co-owners, or an administrator.
- Charters are scoped like customers: a leader writes the charter of a region they lead
  (drafts, items, review, publication, the next draft, promoting what is missing) and
  records its measures; administrators do so for every charter. A team's charter (no
  region) is written by any leader who leads a region. Facilitators also place the
  expectations heard in the meetings they facilitated against the charter of those
  meetings' region. Executives only read.
- Guests have no account: their signed link (invitations/tokens.py) opens their own
  standing "you said, we did" page, for as long as they are not erased. From it, a guest
  who counts as present (anonymity.policy) and belongs to a customer organisation
  answers for that organisation on the charter expectations heard at their meeting,
  once the meeting has started and unless it was cancelled (`guest_may_endorse`).
"""

import rules

from accounts.rules import has_any_role, is_administrator, is_facilitator, is_leader
from customers.rules import led_region_ids
from feedback.rules import meeting_is_open
from meetings.models import Booking, Meeting
from meetings.rules import facilitates_meeting, owns_meeting, prepares_meeting


@rules.predicate
def is_action_owner(user, action) -> bool:
    return action is not None and action.owner_id == user.pk


@rules.predicate
def owns_actions_meeting(user, action) -> bool:
    if action is None or action.meeting_id is None:
        return False
    return owns_meeting(user, action.meeting)


@rules.predicate
def leads_charter_region(user, charter) -> bool:
    """The user leads the charter's region; for a team's charter (no region), or with no
    charter at all (may the user write some charter?), they lead at least one region."""
    led = led_region_ids(user)
    if charter is None or charter.region_id is None:
        return bool(led)
    return charter.region_id in led


@rules.predicate
def facilitates_for(user, charter) -> bool:
    """The user facilitates a meeting of the charter's region (a team's charter: any)."""

    meetings = Meeting.objects.filter(facilitators=user)
    if charter is not None and charter.region_id is not None:
        meetings = meetings.filter(region_id=charter.region_id)
    return meetings.exists()


may_create_actions = is_leader | is_facilitator | is_administrator
may_change_action = is_action_owner | owns_actions_meeting | is_administrator
may_write_charter = is_administrator | (is_leader & leads_charter_region)

rules.add_perm("actions.view_action_list", has_any_role)
rules.add_perm("actions.view_action", has_any_role)
rules.add_perm("actions.add_action", may_create_actions)
rules.add_perm("actions.add_action_to_meeting", may_create_actions & prepares_meeting)
# On the item's meeting.
rules.add_perm(
    "actions.recover_now",
    ((is_facilitator & facilitates_meeting) | (is_leader & owns_meeting)) & meeting_is_open,
)
rules.add_perm("actions.change_action_status", has_any_role & may_change_action)
rules.add_perm("actions.change_action", has_any_role & may_change_action)

rules.add_perm("actions.send_follow_up", has_any_role & (owns_meeting | is_administrator))

rules.add_perm("actions.view_charter", has_any_role)
# Without an object: may the user create a charter at all (a leader: for a region they lead).
rules.add_perm("actions.add_charter", may_write_charter)
rules.add_perm("actions.change_charter", may_write_charter)
rules.add_perm("actions.record_measure", may_write_charter)
rules.add_perm("actions.link_expectation", may_write_charter | (is_facilitator & facilitates_for))


def guest_may_endorse(booking: Booking, *, now) -> bool:
    """May this guest answer on the charter for their organisation (see the top)?"""
    meeting = booking.meeting
    if booking.contact.is_erased or booking.contact.organisation_id is None:
        return False
    if meeting.status == Meeting.Status.CANCELLED or meeting.starts_at > now:
        return False
    if booking.attended is not None:
        return booking.attended
    return booking.rsvp == Booking.Rsvp.ACCEPTED
