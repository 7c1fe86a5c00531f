import rules

from accounts.rules import is_administrator, is_leader


@rules.predicate
def leads_meeting(user, meeting) -> bool:
    """The user owns or co-owns the meeting, or leads its region."""
    if meeting is None:
        return False
    return (
        meeting.owner_id == user.pk
        or meeting.co_owners.filter(pk=user.pk).exists()
        or meeting.region.leaders.filter(pk=user.pk).exists()
    )


can_invite = is_administrator | (is_leader & leads_meeting)

rules.add_perm("invitations.send_invitation", can_invite)
rules.add_perm("invitations.record_rsvp", can_invite)
rules.add_perm("invitations.cancel_meeting", can_invite)
