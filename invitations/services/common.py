"""What every mail around a meeting shares: the meeting's invitation row, the guests
a mail can reach and the placeholder the outbox shows until a mail is rendered."""

from meetings.models import Booking, Meeting

from ..mail import SUBJECTS
from ..models import MeetingInvitation

PLACEHOLDER_BODY = "(rendered when sent)"


def invitation_for(meeting: Meeting) -> MeetingInvitation:
    invitation, _ = MeetingInvitation.objects.get_or_create(meeting=meeting)
    return invitation


def _mailable_bookings(meeting: Meeting):
    return (
        Booking.objects.filter(meeting=meeting, contact__erased_at__isnull=True)
        .exclude(contact__email="")
        .select_related("contact")
    )


def _placeholder(meeting: Meeting, variant: str, recipient_name: str) -> dict:
    # What the outbox page shows until the mail is rendered at send time.
    return {
        "subject": SUBJECTS[variant].format(title=meeting.title),
        "text_body": f"Dear {recipient_name}, ({variant} for {meeting.title}: rendered when sent)",
    }
