"""Capture pages: thin views; the rules decide, the services write, templates render."""

from __future__ import annotations

import uuid

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accounts.params import param_flag, param_int, param_text
from meetings.models import Section

from ..balance import meeting_balance
from ..forms import CaptureForm
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
    stage_choices,
    tag_names,
)
from ..services import (
    capture_section_set,
    feedback_capture,
)
from .common import decorate_items, item_context, meeting_or_404

CLIENT_HEADER = "HTTP_X_CAPTURE_CLIENT"


@require_safe
@login_required
def capture(request, meeting_id: int):
    meeting = meeting_or_404(request, meeting_id, "feedback.read")
    can_capture = rules.test_rule("feedback.capture", request.user, meeting)
    # The balance meter reads the agenda and the capture state the form needs, and
    # carries the kind suggestion: one count for both.
    balance = meeting_balance(meeting=meeting)
    sections, section = balance.section_choices, balance.current
    form = CaptureForm(
        sections=sections,
        initial={"section": section, "idempotency_key": uuid.uuid4()},
    )
    # The latest items, newest first next to the field; older ones a page at a time
    # (`?before=` is the keyset cursor: the number of the oldest item shown).
    before = param_int(request.GET, "before", None, minimum=1)
    page, has_older = capture_items_page(meeting=meeting, before=before)
    items = decorate_items(page)
    running = meeting_is_running(meeting=meeting)
    suggestion = balance.suggestion
    if can_capture:
        # Built now (or found current in the cache), so that the first item saves at full
        # speed.
        meeting_redactor(meeting)
    context = {
        **item_context(meeting, can_capture),
        "form": form,
        "items": items,
        "total": balance.total,
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
        "balance": balance,
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
        decorate_items([item])
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
    meeting = meeting_or_404(request, meeting_id, "feedback.read")
    since = param_int(request.GET, "since", 0)
    client_revision = param_int(request.GET, "rev", -1, minimum=-1)
    revision = capture_revision(meeting_id=meeting.pk)
    full = client_revision != revision
    if full:
        # The list again from the oldest item the page shows (`from`), or the latest
        # page: never more than the page holds.
        oldest = param_int(request.GET, "from", 0)
        if oldest:
            items = decorate_items(capture_items(meeting=meeting, oldest=oldest))
        else:
            latest, _has_older = capture_items_page(meeting=meeting)
            items = decorate_items(reversed(latest))
    else:
        items = decorate_items(capture_items(meeting=meeting, since=since))
    cursor = (
        max([since, *(i.number for i in items)]) if not full else (items[-1].number if items else 0)
    )
    # The kind suggestion and the balance meter change with the items: recounted when
    # some arrived or changed, or when the page asks for the meter's clock (`meter`, every
    # half minute), so that a quiet poll stays cheap.
    refresh_suggestion = full or bool(items) or param_flag(request.GET, "meter")
    balance = meeting_balance(meeting=meeting) if refresh_suggestion else None
    suggestion = balance.suggestion if balance else None
    return render(
        request,
        "feedback/capture.html#poll",
        {
            **item_context(meeting, rules.test_rule("feedback.capture", request.user, meeting)),
            "items": items,
            "cursor": cursor,
            "revision": revision,
            "full": full,
            "section": balance.current if balance else current_section(meeting=meeting),
            "refresh_suggestion": refresh_suggestion,
            "suggestion": suggestion,
            "balance": balance,
            "total": balance.total if balance else 0,
        },
    )


@transaction.non_atomic_requests
@require_safe
@login_required
def capture_older(request, meeting_id: int):
    """The page of items before the keyset cursor `before` (newest first), and the link
    to the page after it: what the capture page's "Older items" link loads in place."""
    meeting = meeting_or_404(request, meeting_id, "feedback.read")
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
            **item_context(meeting, rules.test_rule("feedback.capture", request.user, meeting)),
            "items": decorate_items(page),
            "older": page[-1].number if has_older else None,
        },
    )


@require_POST
@login_required
def capture_section(request, meeting_id: int):
    meeting = meeting_or_404(request, meeting_id, "feedback.capture")
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
