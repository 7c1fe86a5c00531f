""" "Recover now": a facilitator or the meeting's leader turns a concern into an owned
action during capture."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from feedback.models import FeedbackItem

from .. import services
from .common import error_text


@require_POST
@login_required
def recover_now(request, item_pk: int):
    item = get_object_or_404(
        FeedbackItem.objects.select_related("meeting", "meeting__owner"), pk=item_pk
    )
    meeting = item.meeting
    # Only someone who may read the item learns that it exists.
    if not rules.test_rule("feedback.read", request.user, meeting):
        raise Http404
    # The permission set itself: no superuser shortcut.
    if not rules.has_perm("actions.recover_now", request.user, meeting):
        raise PermissionDenied
    try:
        action, created = services.action_recover_now(item=item, by=request.user)
    except ValidationError as error:
        if request.htmx:
            return HttpResponse(error_text(error), status=400, content_type="text/plain")
        messages.error(request, error_text(error))
        return redirect("feedback:capture", meeting_id=meeting.pk)
    if request.htmx:
        return render(request, "actions/_recovery.html", {"action": action, "item": item})
    if created:
        messages.success(
            request,
            _("Recovery action for item %(number)s: owned by %(owner)s, due %(due)s.")
            % {"number": item.number, "owner": action.owner, "due": action.due_date},
        )
    return redirect("feedback:capture", meeting_id=meeting.pk)
