"""What the invitations app does when a meeting changes (signals sent by meetings)."""

from django.dispatch import receiver

from meetings.models import Meeting
from meetings.signals import meeting_cancelled, meeting_changed

from .services import cancellations_send, meeting_changes_send

# What an invitation tells guests and an update corrects (see MeetingInvitation.snapshot).
UPDATE_FIELDS = frozenset({"starts_at", "ends_at", "time_zone", "place", "video_link"})


@receiver(meeting_changed, dispatch_uid="invitations_meeting_changed")
def tell_guests_of_changes(sender, *, meeting, changed, by=None, **kwargs):
    """An invited meeting whose time, place or link changed: guests get the update."""
    if meeting.status == Meeting.Status.INVITED and changed & UPDATE_FIELDS:
        meeting_changes_send(meeting=meeting, user=by)


@receiver(meeting_cancelled, dispatch_uid="invitations_meeting_cancelled")
def tell_guests_of_cancellation(sender, *, meeting, by=None, **kwargs):
    cancellations_send(meeting=meeting)
