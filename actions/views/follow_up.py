""" "You said, we did": composing, previewing and sending a meeting's follow-up to its guests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.ratelimits import rate_limit
from meetings.language import for_guest, guest_translation
from meetings.models import Meeting

from .. import followup, selectors, services
from ..forms import (
    FollowUpForm,
)
from ..models import FollowUp
from .common import error_text, errors_to_form, require_perm


def _meeting_for_follow_up(request, meeting_pk):
    meeting = get_object_or_404(Meeting.objects.select_related("region"), pk=meeting_pk)
    require_perm(request, "actions.send_follow_up", meeting)
    return meeting


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def follow_up_compose(request, meeting_pk):
    meeting = _meeting_for_follow_up(request, meeting_pk)
    follow_up = selectors.follow_up_for(meeting)
    if follow_up and follow_up.is_published:
        return redirect("actions:follow_up_preview", meeting.pk)
    if follow_up:
        initial = {
            "introduction": follow_up.introduction,
            "closing": follow_up.closing,
            "feedback_items": list(follow_up.feedback_items.values_list("pk", flat=True)),
        }
    else:
        initial = {
            "feedback_items": list(
                meeting.feedback_items.filter(kind__in=followup.ANSWERED_KINDS).values_list(
                    "pk", flat=True
                )
            )
        }
    form = FollowUpForm(request.POST or None, initial=initial, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_compose(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Draft saved. Check the preview before sending."))
            return redirect("actions:follow_up_preview", meeting.pk)
    return render(
        request,
        "actions/follow_up_form.html",
        {
            "meeting": meeting,
            "form": form,
            "held": followup.held(meeting),
            "recipients": list(followup.recipients(meeting)) if followup.held(meeting) else [],
        },
        status=400 if form.errors else 200,
    )


@require_safe
@login_required
def follow_up_preview(request, meeting_pk):
    meeting = _meeting_for_follow_up(request, meeting_pk)
    follow_up = selectors.follow_up_for(meeting)
    if follow_up is None:
        messages.info(request, _("Write the follow-up first."))
        return redirect("actions:follow_up_compose", meeting.pk)
    content = (
        follow_up.content
        if follow_up.is_published
        else services.follow_up_preview(follow_up=follow_up)
    )
    return render(
        request,
        "actions/follow_up_preview.html",
        {
            "meeting": meeting,
            "follow_up": follow_up,
            "content": followup.present(content),
            "introduction": follow_up.introduction,
            "closing": follow_up.closing,
            "recipients": list(followup.recipients(meeting)),
        },
    )


@require_POST
@login_required
def follow_up_send(request, meeting_pk):
    meeting = _meeting_for_follow_up(request, meeting_pk)
    follow_up = get_object_or_404(FollowUp, meeting=meeting)
    was_published = follow_up.is_published
    try:
        queued = services.follow_up_publish(follow_up=follow_up, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        if was_published and not queued:
            messages.info(request, _("Every guest has already been sent this follow-up."))
        else:
            messages.success(
                request,
                ngettext(
                    "“You said, we did” is on its way to %(count)s guest.",
                    "“You said, we did” is on its way to %(count)s guests.",
                    queued,
                )
                % {"count": queued},
            )
    return redirect("actions:follow_up_preview", meeting.pk)


@rate_limit("guest_link")
@require_safe
def follow_up_public(request, token):
    """What a guest reads from the signed link in their mail; no account needed. In the
    language of the guest it was sent to (meetings.language); the page greets "Dear
    guest", since a link may be forwarded."""
    follow_up = followup.follow_up_from_token(token)
    guest = followup.guest_from_token(token) if follow_up else None
    who = {"contact": guest.contact, "meeting": guest.meeting} if guest else {}
    with guest_translation(**who, default=request.LANGUAGE_CODE) as language:
        if follow_up is None:
            response = render(request, "actions/follow_up_public_invalid.html", status=404)
        else:
            response = render(
                request,
                "actions/follow_up_public.html",
                {
                    "follow_up": follow_up,
                    "meeting_time_zone": guest.meeting.time_zone,
                    "content": followup.present(follow_up.content),
                    "introduction": follow_up.introduction,
                    "closing": follow_up.closing,
                },
            )
    for_guest(response, language)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
