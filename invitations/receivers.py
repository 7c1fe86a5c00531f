"""What the invitations app does when a meeting changes (signals sent by meetings)."""

from django.dispatch import receiver
from django.utils.translation import gettext as _

from meetings.models import Meeting
from meetings.signals import meeting_cancelled, meeting_change_preview, meeting_changed

from .services import cancellations_send, meeting_changes_send, meeting_update_preview

# What an invitation tells guests and an update corrects (see MeetingInvitation.snapshot).
UPDATE_FIELDS = frozenset({"starts_at", "ends_at", "time_zone", "place", "video_link"})


@receiver(meeting_changed, dispatch_uid="invitations_meeting_changed")
def tell_guests_of_changes(sender, *, meeting, changed, by=None, **kwargs):
    """An invited meeting whose time, place or link changed: guests get the update, a
    few minutes later, so that the next saves join it."""
    if meeting.status == Meeting.Status.INVITED and changed & UPDATE_FIELDS:
        meeting_changes_send(meeting=meeting, user=by, coalesce=True)


@receiver(meeting_change_preview, dispatch_uid="invitations_meeting_change_preview")
def guests_to_tell(sender, *, meeting, **kwargs):
    """Before saving: which guests the change would reach and why (the edit page asks)."""
    preview = meeting_update_preview(meeting=meeting)
    if preview is None:
        return None
    return {"title": _("Guests will get an update"), **preview}


@receiver(meeting_cancelled, dispatch_uid="invitations_meeting_cancelled")
def tell_guests_of_cancellation(sender, *, meeting, by=None, **kwargs):
    cancellations_send(meeting=meeting)
