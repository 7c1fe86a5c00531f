"""What the feedback app adds to a meeting's page (rendered by the meetings app).

`meeting_panels(*, meeting, user)` returns a list of dicts, each naming a `template`
to include with the dict as `panel`. Nothing is shown to users who may not read the
meeting's feedback.
"""

import rules
from django.urls import reverse

from .selectors import meeting_kind_suggestion


def meeting_panels(*, meeting, user) -> list[dict]:
    """At most two queries (one when the page prefetched the meeting's facilitators)."""
    if not rules.test_rule("feedback.read", user, meeting):
        return []
    suggestion = meeting_kind_suggestion(meeting)
    return [
        {
            "template": "feedback/_meeting_panel.html",
            "meeting": meeting,
            "capture_url": reverse("feedback:capture", args=[meeting.pk]),
            "export_url": reverse("feedback:export_csv", args=[meeting.pk]),
            "can_capture": rules.test_rule("feedback.capture", user, meeting),
            "item_count": suggestion.total if suggestion else 0,
            "suggestion": suggestion,
        }
    ]
