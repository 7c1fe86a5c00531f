import rules

from accounts.rules import is_administrator, is_leader


@rules.predicate
def leads_mail_meeting(user, mail) -> bool:
    """The user owns, co-owns or leads the region of the mail's meeting."""
    if mail is None:
        return True
    meeting = mail.meeting
    if meeting is None:
        return False
    return (
        meeting.owner_id == user.pk
        or meeting.co_owners.filter(pk=user.pk).exists()
        or meeting.region.leaders.filter(pk=user.pk).exists()
    )


@rules.predicate
def leads_meeting(user, meeting) -> bool:
    return meeting is not None and (
        meeting.owner_id == user.pk
        or meeting.co_owners.filter(pk=user.pk).exists()
        or meeting.region.leaders.filter(pk=user.pk).exists()
    )


rules.add_perm("outbox.view_meeting_mail", is_administrator | (is_leader & leads_meeting))
rules.add_perm("outbox.view_outbox", is_leader | is_administrator)
rules.add_perm("outbox.view_mail", is_administrator | (is_leader & leads_mail_meeting))
rules.add_perm("outbox.retry_mail", is_administrator | (is_leader & leads_mail_meeting))
