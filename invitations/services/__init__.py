"""Invitations and the mail around a meeting. Every mail goes through the outbox.

Delivery keys (one mail per key, ever; saves made while an update waits join it):
  invitation:<meeting>:<booking>            update:<meeting>:<booking>:<sequence>
  cancellation:<meeting>:<booking>          reminder:<meeting>:<booking>:<days>d
  nudge:<meeting>:<booking>                 thank_you:<meeting>:<booking>

One module per part, re-exported here: `guests` (the invitation, the nudge, the
answer), `scheduling` (reminders and thank-yous), `changes` (updates and
cancellations), with `common` (what they share).
"""

from .changes import (
    cancellations_send,
    meeting_cancel,
    meeting_changes_send,
    meeting_update_preview,
    update_delay,
)
from .common import PLACEHOLDER_BODY, invitation_for
from .guests import invitation_send, nudge_send, rsvp_answer
from .scheduling import (
    DEFAULT_REMINDER_DAYS,
    MOVED_PAST,
    THANK_YOU_LOCAL_TIME,
    reminder_due,
    reminders_reschedule,
    reminders_schedule,
    thank_you_due,
)

__all__ = [
    "DEFAULT_REMINDER_DAYS",
    "MOVED_PAST",
    "PLACEHOLDER_BODY",
    "THANK_YOU_LOCAL_TIME",
    "cancellations_send",
    "invitation_for",
    "invitation_send",
    "meeting_cancel",
    "meeting_changes_send",
    "meeting_update_preview",
    "nudge_send",
    "reminder_due",
    "reminders_reschedule",
    "reminders_schedule",
    "rsvp_answer",
    "thank_you_due",
    "update_delay",
]
