"""Correcting and removing a captured item."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..forms import ItemEditForm
from ..models import FeedbackItem, JourneyStage
from ..services import feedback_delete, feedback_update
from .common import decorate_items, item_context, meeting_or_404


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def item_edit(request, pk: int):
    item = get_object_or_404(FeedbackItem.objects.select_related("meeting", "stage"), pk=pk)
    meeting = meeting_or_404(request, item.meeting_id, "feedback.capture")
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
                    decorate_items([item])
                    return render(
                        request,
                        "feedback/capture.html#item-row",
                        {**item_context(meeting, True), "item": item},
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
    meeting = meeting_or_404(request, item.meeting_id, "feedback.capture")
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
