from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def default_reminder_days() -> list[int]:
    return [7, 1]


class MeetingInvitation(models.Model):
    """What was sent to a meeting's guests, and its reminder schedule.

    The snapshot of time and place as last sent tells whether guests need an update.
    """

    meeting = models.OneToOneField(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="invitation"
    )
    personal_message = models.TextField(
        blank=True, help_text=_("A few words from you, shown at the top of the invitation.")
    )
    reminder_days = models.JSONField(
        default=default_reminder_days,
        help_text=_("Days before the meeting on which reminders go out."),
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_starts_at = models.DateTimeField(null=True, blank=True)
    sent_ends_at = models.DateTimeField(null=True, blank=True)
    sent_time_zone = models.CharField(max_length=64, blank=True)
    sent_place = models.CharField(max_length=300, blank=True)
    sent_video_link = models.URLField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_message = models.TextField(blank=True)

    def __str__(self):
        return _("Invitation to %(meeting)s") % {"meeting": self.meeting}

    def snapshot(self, meeting) -> None:
        self.sent_starts_at = meeting.starts_at
        self.sent_ends_at = meeting.ends_at
        self.sent_time_zone = meeting.time_zone
        self.sent_place = meeting.place
        self.sent_video_link = meeting.video_link

    def changes_since_sent(self, meeting) -> list[str]:
        """What guests were told that is no longer true, in words."""
        if self.sent_at is None:
            return []
        changes = []
        if (self.sent_starts_at, self.sent_ends_at, self.sent_time_zone) != (
            meeting.starts_at,
            meeting.ends_at,
            meeting.time_zone,
        ):
            changes.append("date and time")
        if self.sent_place != meeting.place:
            changes.append("place")
        if self.sent_video_link != meeting.video_link:
            changes.append("video link")
        return changes
