"""Preparing the team: the checklist, the prep brief, the questions for the guests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.params import (
    param_choice,
    param_flag,
    param_id,
    param_text,
)

from .. import selectors, services
from .common import error_text, meeting_or_404


@require_POST
@login_required
def prep_toggle(request, pk):
    meeting = meeting_or_404(request, pk, "meetings.prepare_meeting")
    try:
        item = services.prep_item_set_done(
            meeting=meeting,
            item_id=param_id(request.POST, "item"),
            done=param_flag(request.POST, "done"),
            by=request.user,
        )
    except (ValidationError, ValueError):
        messages.error(request, _("That step is not on this meeting's checklist."))
        return redirect(reverse("meetings:detail", args=[pk]) + "#prep")
    if request.htmx:
        return render(
            request,
            "meetings/detail.html#prep-item",
            {"meeting": meeting, "item": item, "can": {"prepare_meeting": True}},
        )
    return redirect(reverse("meetings:detail", args=[pk]) + "#prep")


@require_POST
@login_required
def prep_add(request, pk):
    meeting = meeting_or_404(request, pk, "meetings.prepare_meeting")
    try:
        services.prep_item_add(meeting=meeting, text=param_text(request.POST, "text"))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect(reverse("meetings:detail", args=[pk]) + "#prep")


@require_safe
@login_required
def prep_brief(request, pk):
    meeting = meeting_or_404(request, pk, for_page=True)
    items = list(meeting.agenda_items.all())
    bookings = list(meeting.bookings.all())
    organisations = sorted(
        {b.contact.organisation for b in bookings if not b.contact.is_front_line_staff},
        key=lambda o: o.name.lower(),
    )
    return render(
        request,
        "meetings/prep_brief.html",
        {
            "meeting": meeting,
            "agenda_items": items,
            "organisations": organisations,
            "chosen_questions": list(meeting.questions.all()),
            "prep_items": list(meeting.prep_items.all()),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def questions(request, pk):
    meeting = meeting_or_404(request, pk, "meetings.prepare_meeting")
    if request.method == "POST":
        action = param_choice(request.POST, "action", ("add", "remove", "up", "down"))
        try:
            if action == "add":
                services.meeting_question_add(
                    meeting=meeting, question_id=param_id(request.POST, "question")
                )
            elif action == "remove":
                services.meeting_question_remove(
                    meeting=meeting, chosen_id=param_id(request.POST, "chosen")
                )
            elif action in ("up", "down"):
                services.meeting_question_move(
                    meeting=meeting, chosen_id=param_id(request.POST, "chosen"), direction=action
                )
            else:
                raise ValidationError(_("Unknown action."))
        except (ValidationError, ValueError) as exc:
            messages.error(
                request,
                error_text(exc) if isinstance(exc, ValidationError) else _("Unknown question."),
            )
        if not request.htmx:
            return redirect("meetings:questions", pk=pk)
    chosen = list(meeting.questions.select_related("question").order_by("position", "pk"))
    chosen_ids = {c.question_id for c in chosen}
    context = {
        "meeting": meeting,
        "chosen": chosen,
        "bank": [q for q in selectors.active_questions() if q.pk not in chosen_ids],
    }
    if request.htmx:
        return render(request, "meetings/questions.html#questions-editor", context)
    return render(request, "meetings/questions.html", context)
