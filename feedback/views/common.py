"""What every capture view shares: the meeting as the rules let the user see it, and the
rows' display fields."""

from __future__ import annotations

import rules
from django.http import Http404

from meetings.models import Meeting

from ..models import FeedbackItem
from ..selectors import meeting_for_capture

CLIENT_HEADER = "HTTP_X_CAPTURE_CLIENT"


def meeting_or_404(request, meeting_id: int, rule: str) -> Meeting:
    meeting = meeting_for_capture(meeting_id=meeting_id, user=request.user)
    if meeting is None or not rules.test_rule("feedback.read", request.user, meeting):
        raise Http404("No such meeting.")
    if rule != "feedback.read" and not rules.test_rule(rule, request.user, meeting):
        raise Http404("No such meeting.")
    return meeting


def decorate_items(items, *, stages: dict[int, str] | None = None) -> list[FeedbackItem]:
    """Give rows what they display without further queries."""
    items = list(items)
    for item in items:
        if not hasattr(item, "display_tags"):
            item.display_tags = [t.name for t in item.tags.all()]
        if stages is not None:
            item.stage_name = stages.get(item.stage_id, "")
        else:
            item.stage_name = item.stage.name if item.stage_id else ""
    return items


def item_context(meeting: Meeting, can_capture: bool) -> dict:
    return {"meeting": meeting, "can_capture": can_capture}
