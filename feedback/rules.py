"""Who may capture, read and change a meeting's feedback.

Capture belongs to the meeting's facilitators; its owner and co-owners may read it;
nobody else — not even an administrator — sees a meeting's items on these pages.
Closing the meeting locks its items. Views test these rules with `rules.test_rule`
so that no superuser shortcut applies.
"""

import rules

from meetings.models import Meeting
from meetings.rules import facilitates_meeting, owns_meeting

LOCKED_STATUSES = (Meeting.Status.CLOSED, Meeting.Status.CANCELLED)


@rules.predicate
def meeting_is_open(user, meeting) -> bool:
    return meeting is not None and meeting.status not in LOCKED_STATUSES


can_capture = facilitates_meeting & meeting_is_open
can_read = facilitates_meeting | owns_meeting

rules.add_rule("feedback.capture", can_capture)
rules.add_rule("feedback.read", can_read)
rules.add_perm("feedback.capture_feedback", can_capture)
rules.add_perm("feedback.read_feedback", can_read)
