"""Capture pages: thin views; the rules decide, the services write, templates render."""

from __future__ import annotations

import io
import uuid

import rules
import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.csv_export import csv_response
from accounts.params import param_flag, param_int, param_text
from audit.models import AuditEntry
from audit.services import audit_record
from meetings.models import Meeting, Section

from ..forms import CaptureForm, ItemEditForm
from ..models import FeedbackItem, JourneyStage
from ..redaction import meeting_redactor
from ..rows import item_row
from ..selectors import (
    capture_items,
    capture_items_page,
    capture_revision,
    capture_room,
    capture_sections,
    current_section,
    guest_link_url,
    meeting_for_capture,
    meeting_is_running,
    meeting_kind_suggestion,
    stage_choices,
    tag_names,
)
from ..services import (
    capture_section_set,
    feedback_capture,
    feedback_delete,
    feedback_update,
)

CLIENT_HEADER = "HTTP_X_CAPTURE_CLIENT"


def _meeting_or_404(request, meeting_id: int, rule: str) -> Meeting:
    meeting = meeting_for_capture(meeting_id=meeting_id, user=request.user)
    if meeting is None or not rules.test_rule("feedback.read", request.user, meeting):
        raise Http404("No such meeting.")
    if rule != "feedback.read" and not rules.test_rule(rule, request.user, meeting):
        raise Http404("No such meeting.")
    return meeting


def _decorate(items, *, stages: dict[int, str] | None = None) -> list[FeedbackItem]:
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


def _item_context(meeting: Meeting, can_capture: bool) -> dict:
    return {"meeting": meeting, "can_capture": can_capture}


@require_safe
@login_required
def capture(request, meeting_id: int):
    meeting = _meeting_or_404(request, meeting_id, "feedback.read")
    can_capture = rules.test_rule("feedback.capture", request.user, meeting)
    sections = capture_sections(meeting=meeting)
    section = current_section(meeting=meeting, sections=sections)
    form = CaptureForm(
        sections=sections,
        initial={"section": section, "idempotency_key": uuid.uuid4()},
    )
    # The latest items, newest first next to the field; older ones a page at a time
    # (`?before=` is the keyset cursor: the number of the oldest item shown).
    before = param_int(request.GET, "before", None, minimum=1)
    page, has_older = capture_items_page(meeting=meeting, before=before)
    items = _decorate(page)
    running = meeting_is_running(meeting=meeting)
    suggestion = meeting_kind_suggestion(meeting)
    if can_capture:
        # Built now (or found current in the cache), so that the first item saves at full
        # speed.
        meeting_redactor(meeting)
    context = {
        **_item_context(meeting, can_capture),
        "form": form,
        "items": items,
        "total": suggestion.total if suggestion else 0,
        "older": items[-1].number if has_older else None,
        "paged": before is not None,
        # A page of older items carries no cursor: its poll must not skip newer items.
        "cursor": items[0].number if items and before is None else 0,
        "revision": capture_revision(meeting_id=meeting.pk),
        "sections": sections,
        "section": section,
        "section_label": dict(Section.choices).get(section, section),
        "tag_names": tag_names(),
        "guest_link": guest_link_url(meeting=meeting) if can_capture and running else None,
        "suggestion": suggestion,
        "room": capture_room(meeting=meeting),
        "meeting_url": reverse("meetings:detail", args=[meeting.pk]),
        "locked": not can_capture and rules.test_rule("feedback.read", request.user, meeting),
    }
    return render(request, "feedback/capture.html", context)


@require_POST
def capture_post(request, meeting_id: int):
    """Save one item, in the request's transaction like every write.

    Django's authentication (`request.user`), the `feedback.capture` rule on the meeting
    loaded with what the rules and the redactor need (`meeting_for_capture`, one query),
    then `feedback_capture`: one INSERT for the item and one for its tags. Not
    `login_required`: the page's script is answered 403 rather than sent to the login
    page, which it could take for a saved item; it keeps the text and offers Retry."""
    from_client = request.META.get(CLIENT_HEADER) == "1"
    if not request.user.is_authenticated:
        if from_client:
            return HttpResponse(
                _("Your session has ended: log in again (in another tab), then Retry."),
                status=403,
                content_type="text/plain; charset=utf-8",
            )
        return redirect_to_login(request.get_full_path())
    meeting = meeting_for_capture(meeting_id=meeting_id, user=request.user)
    if meeting is None or not rules.test_rule("feedback.read", request.user, meeting):
        raise Http404("No such meeting.")
    if not rules.test_rule("feedback.capture", request.user, meeting):
        return _capture_error(
            request,
            meeting.pk,
            _("This meeting is closed: its feedback is locked."),
            409,
            from_client,
        )
    form = CaptureForm(request.POST)
    if not form.is_valid():
        message = " ".join(e for errors in form.errors.values() for e in errors)
        return _capture_error(request, meeting.pk, message, 400, from_client)
    data = form.cleaned_data
    try:
        result = feedback_capture(meeting=meeting, **_fields(data))
    except ValidationError as exc:
        return _capture_error(request, meeting.pk, " ".join(exc.messages), 400, from_client)
    item = result.item
    if not from_client:
        messages.success(request, _("Item %(number)s saved.") % {"number": item.number})
        return redirect("feedback:capture", meeting_id=meeting_id)
    if result.created:
        item.display_tags = list(data["tags"])
        item.stage_name = dict(stage_choices()).get(item.stage_id, "") if item.stage_id else ""
    else:
        _decorate([item])
    # Without "New action", which needs the user's permissions: the next poll (within two
    # seconds) brings the row with it.
    # The row's Remove form carries the token this request was accepted with (the CSRF
    # middleware has checked it): asking `get_token` for one would also re-send the
    # CSRF cookie with every saved item.
    token = request.META.get("HTTP_X_CSRFTOKEN") or param_text(
        request.POST, "csrfmiddlewaretoken", max_length=64
    )
    html = item_row(
        item, can_capture=True, can_add_action=False, csrf_token=token or get_token(request)
    )
    return HttpResponse(html, status=201 if result.created else 200)


def _fields(data: dict) -> dict:
    """The capture services' arguments from a valid CaptureForm."""
    return {
        "text": data["text"],
        "idempotency_key": data["idempotency_key"],
        "section": data["section"],
        "kind": data["kind"],
        "sentiment": data["sentiment"],
        "source": data["source"],
        "stage_id": data["stage"],
        "tag_names": data["tags"],
    }


def _capture_error(request, meeting_id: int, message: str, status: int, from_client: bool):
    if from_client:
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    messages.error(request, _("Not saved: %(reason)s") % {"reason": message})
    return redirect("feedback:capture", meeting_id=meeting_id)


@transaction.non_atomic_requests
@never_cache
@require_safe
@login_required
def capture_items_partial(request, meeting_id: int):
    """New items since the client's cursor; the whole list when one was edited or removed.

    Read-only and asked every 1.5 s by every open capture page: no transaction around it
    (no BEGIN/COMMIT round trips, no locks held between its queries)."""
    meeting = _meeting_or_404(request, meeting_id, "feedback.read")
    since = param_int(request.GET, "since", 0)
    client_revision = param_int(request.GET, "rev", -1, minimum=-1)
    revision = capture_revision(meeting_id=meeting.pk)
    full = client_revision != revision
    if full:
        # The list again from the oldest item the page shows (`from`), or the latest
        # page: never more than the page holds.
        oldest = param_int(request.GET, "from", 0)
        if oldest:
            items = _decorate(capture_items(meeting=meeting, oldest=oldest))
        else:
            latest, _has_older = capture_items_page(meeting=meeting)
            items = _decorate(reversed(latest))
    else:
        items = _decorate(capture_items(meeting=meeting, since=since))
    cursor = (
        max([since, *(i.number for i in items)]) if not full else (items[-1].number if items else 0)
    )
    # The kind suggestion changes only with the items: recounted when some arrived or
    # changed, so that a quiet poll stays cheap.
    refresh_suggestion = full or bool(items)
    suggestion = meeting_kind_suggestion(meeting) if refresh_suggestion else None
    return render(
        request,
        "feedback/capture.html#poll",
        {
            **_item_context(meeting, rules.test_rule("feedback.capture", request.user, meeting)),
            "items": items,
            "cursor": cursor,
            "revision": revision,
            "full": full,
            "section": current_section(meeting=meeting),
            "refresh_suggestion": refresh_suggestion,
            "suggestion": suggestion,
            "total": suggestion.total if suggestion else 0,
        },
    )


@transaction.non_atomic_requests
@require_safe
@login_required
def capture_older(request, meeting_id: int):
    """The page of items before the keyset cursor `before` (newest first), and the link
    to the page after it: what the capture page's "Older items" link loads in place."""
    meeting = _meeting_or_404(request, meeting_id, "feedback.read")
    before = param_int(request.GET, "before", None, minimum=1)
    if before is None:
        raise BadRequest(gettext("Which items? The link lacks its place in the list."))
    page, has_older = capture_items_page(meeting=meeting, before=before)
    if not request.htmx:
        return redirect(
            f"{reverse('feedback:capture', args=[meeting.pk])}?{urlencode({'before': before})}"
        )
    return render(
        request,
        "feedback/capture.html#older",
        {
            **_item_context(meeting, rules.test_rule("feedback.capture", request.user, meeting)),
            "items": _decorate(page),
            "older": page[-1].number if has_older else None,
        },
    )


@require_POST
@login_required
def capture_section(request, meeting_id: int):
    meeting = _meeting_or_404(request, meeting_id, "feedback.capture")
    section = param_text(request.POST, "section", max_length=40)
    if param_flag(request.POST, "advance", "next"):
        order = [value for value, _label in capture_sections(meeting=meeting)]
        now = current_section(meeting=meeting)
        position = order.index(now) if now in order else -1
        section = order[min(position + 1, len(order) - 1)]
    try:
        capture_section_set(meeting=meeting, section=section)
    except ValidationError as exc:
        if request.META.get(CLIENT_HEADER) == "1":
            return HttpResponse(" ".join(exc.messages), status=400)
        messages.error(request, " ".join(exc.messages))
        return redirect("feedback:capture", meeting_id=meeting.pk)
    if request.META.get(CLIENT_HEADER) == "1":
        return HttpResponse(section, content_type="text/plain")
    return redirect("feedback:capture", meeting_id=meeting.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def item_edit(request, pk: int):
    item = get_object_or_404(FeedbackItem.objects.select_related("meeting", "stage"), pk=pk)
    meeting = _meeting_or_404(request, item.meeting_id, "feedback.capture")
    if request.method == "POST":
        form = ItemEditForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                feedback_update(
                    item=item,
                    text=data["text"],
                    kind=data["kind"],
                    sentiment=data["sentiment"],
                    section=data["section"],
                    source=data["source"],
                    stage_id=data["stage"],
                    tag_names=data["tags"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if request.htmx:
                    item.stage = JourneyStage.objects.filter(pk=item.stage_id).first()
                    _decorate([item])
                    return render(
                        request,
                        "feedback/capture.html#item-row",
                        {**_item_context(meeting, True), "item": item},
                    )
                messages.success(request, _("Item %(number)s corrected.") % {"number": item.number})
                return redirect("feedback:capture", meeting_id=meeting.pk)
    else:
        form = ItemEditForm(
            initial={
                "text": item.text,
                "kind": item.kind,
                "sentiment": item.sentiment,
                "section": item.section,
                "source": item.source,
                "stage": item.stage_id,
                "tags": ", ".join(t.name for t in item.tags.all()),
            }
        )
    template = "feedback/item_edit.html#edit-row" if request.htmx else "feedback/item_edit.html"
    return render(request, template, {"item": item, "meeting": meeting, "form": form})


@require_POST
@login_required
def item_delete(request, pk: int):
    item = get_object_or_404(FeedbackItem.objects.select_related("meeting"), pk=pk)
    meeting = _meeting_or_404(request, item.meeting_id, "feedback.capture")
    number = item.number
    try:
        feedback_delete(item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("feedback:capture", meeting_id=meeting.pk)
    if request.htmx:
        return HttpResponse("")
    messages.success(request, _("Item %(number)s removed.") % {"number": number})
    return redirect("feedback:capture", meeting_id=meeting.pk)


@require_safe
@login_required
def guest_qr(request, meeting_id: int):
    """The guest link as an SVG QR code, for the screen in the room."""
    meeting = _meeting_or_404(request, meeting_id, "feedback.capture")
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
    meeting = _meeting_or_404(request, meeting_id, "feedback.read")
    # Who exported which meeting, never which items: no link to authorship.
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.EXPORT,
        target_repr=f"Feedback CSV of {meeting}",
    )
    section_order = {value: index for index, value in enumerate(Section.values)}
    items = _decorate(
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
