"""What every meeting write shares: the state machine, the editable fields, the row lock."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import (
    Meeting,
)

Status = Meeting.Status


# The state machine: draft → invited → held → closed, or cancelled before it is held.
# A draft goes straight to held when it was recorded after it started (a walk-in or past
# meeting: its guests were never invited through the product).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.INVITED, Status.HELD, Status.CANCELLED),
    Status.INVITED: (Status.HELD, Status.CANCELLED),
    Status.HELD: (Status.CLOSED,),
    Status.CLOSED: (),
    Status.CANCELLED: (),
}


MEETING_FIELDS = (
    "title",
    "type",
    "region",
    "country",
    "starts_at",
    "ends_at",
    "time_zone",
    "place",
    "video_link",
    "objectives",
)


def meeting_locked(meeting: Meeting) -> Meeting:
    """The meeting row, locked until the end of the transaction (serialises agenda edits)."""
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def require_editable(meeting: Meeting) -> None:
    if meeting.status in (Status.CLOSED, Status.CANCELLED):
        raise ValidationError(
            _("This meeting is %(status)s; it can no longer be changed.")
            % {"status": meeting.get_status_display().lower()}
        )
