"""Guests' own comments, from the link or QR code shown while the meeting runs."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.ratelimits import is_limited
from meetings.language import for_guest, guest_translation

from ..forms import GuestCommentForm
from ..models import FeedbackItem
from ..selectors import (
    current_section,
    meeting_from_guest_token,
    meeting_is_running,
)
from ..services import (
    feedback_capture,
)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def guest_comment(request, token: str):
    """A guest adds an anonymous comment from their phone while the meeting runs.

    Stores no IP address, user agent, cookie or session with the comment: the page opens
    no session, its only cookie is Django's CSRF token (random, kept with nothing), and
    the item is saved like any other, redacted.
    """
    meeting = meeting_from_guest_token(token)
    if meeting is None:
        raise Http404("This link is not valid.")
    # One link for every guest of the meeting: no contact, so the meeting's language.
    with guest_translation(meeting=meeting, default=request.LANGUAGE_CODE) as language:
        return for_guest(_guest_comment(request, meeting, token), language)


def _guest_comment(request, meeting, token: str):
    context = {"meeting": meeting, "token": token}
    if not meeting_is_running(meeting=meeting):
        return render(
            request, "feedback/guest_comment.html", {**context, "closed": True}, status=410
        )
    saved_text = None
    if request.method == "POST":
        form = GuestCommentForm(request.POST)
        # settings.RATE_LIMITS["guest_comment"]: per link, failing open if Redis is down.
        limited = is_limited(request, "guest_comment")
        if limited:
            form.add_error(
                None, _("Many comments are arriving at once; please send yours again in a minute.")
            )
        elif form.is_valid():
            try:
                result = feedback_capture(
                    meeting=meeting,
                    text=form.cleaned_data["text"],
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    section=current_section(meeting=meeting),
                    kind=form.cleaned_data["kind"],
                    sentiment=form.sentiment,
                    source=FeedbackItem.Source.GUEST_LINK,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                saved_text = result.item.text
                form = GuestCommentForm(initial={"idempotency_key": uuid.uuid4()})
    else:
        form = GuestCommentForm(initial={"idempotency_key": uuid.uuid4()})
    return render(
        request,
        "feedback/guest_comment.html",
        {**context, "form": form, "saved_text": saved_text},
        status=400 if request.method == "POST" and form.errors else 200,
    )
