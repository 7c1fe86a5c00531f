"""What leaves the capture page: the guest link's QR code and the CSV."""

from __future__ import annotations

import io

import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.csv_export import csv_response
from audit.models import AuditEntry
from audit.services import audit_record
from meetings.models import Section

from ..models import FeedbackItem
from ..selectors import guest_link_url, meeting_is_running
from .common import decorate_items, meeting_or_404


@require_safe
@login_required
def guest_qr(request, meeting_id: int):
    """The guest link as an SVG QR code, for the screen in the room."""
    meeting = meeting_or_404(request, meeting_id, "feedback.capture")
    if not meeting_is_running(meeting=meeting):
        raise Http404("The guest link works only while the meeting runs.")
    buffer = io.BytesIO()
    segno.make(guest_link_url(meeting=meeting), error="m").save(
        buffer, kind="svg", scale=8, border=2, title=_("Guest comment link"), xmldecl=False
    )
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def export_csv(request, meeting_id: int):
    """The meeting's feedback as CSV: by section and kind, never in the order said, no time."""
    meeting = meeting_or_404(request, meeting_id, "feedback.read")
    # Who exported which meeting, never which items: no link to authorship.
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.EXPORT,
        target_repr=f"Feedback CSV of {meeting}",
    )
    section_order = {value: index for index, value in enumerate(Section.values)}
    items = decorate_items(
        FeedbackItem.objects.filter(meeting=meeting)
        .select_related("stage")
        .prefetch_related("tags")
    )
    items.sort(key=lambda i: (section_order.get(i.section, 99), i.kind, i.text.lower()))
    header = [
        "meeting date",
        "section",
        "kind",
        "sentiment",
        "from",
        "moment of truth",
        "tags",
        "feedback",
    ]
    rows = (
        [
            item.meeting_date.isoformat(),
            item.get_section_display(),
            item.get_kind_display(),
            item.get_sentiment_display(),
            item.get_source_display(),
            item.stage_name,
            "; ".join(item.display_tags),
            item.text,
        ]
        for item in items
    )
    filename = (
        f"feedback-{slugify(meeting.title)[:40] or meeting.pk}-{meeting.starts_at.date()}.csv"
    )
    response = csv_response(filename, header, rows)
    response["Cache-Control"] = "private, no-store"
    return response
