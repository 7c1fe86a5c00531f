"""Actions: the list, creating one from what was heard, changing its owner, status and outcome."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.params import param_choice, param_id, param_page
from customers.models import Region
from feedback.models import FeedbackItem
from meetings.models import Meeting

from .. import selectors, services
from ..forms import (
    ActionForm,
    StatusForm,
)
from ..models import Action
from .common import errors_to_form, require_perm

PER_PAGE = 50
SCOPES = {
    "list": (
        gettext_lazy("Open actions"),
        gettext_lazy("All actions still open or in progress, soonest due first."),
    ),
    "mine": (gettext_lazy("My actions"), gettext_lazy("Actions you own, soonest due first.")),
    "overdue": (gettext_lazy("Overdue"), gettext_lazy("Open actions past their due date.")),
}


STATUSES = [
    ("active", gettext_lazy("Open or in progress")),
    *Action.Status.choices,
    ("all", pgettext_lazy("actions of any status", "All")),
]


def _action_list(request, scope):
    require_perm(request, "actions.view_action_list")
    today = timezone.localdate()
    status = param_choice(request.GET, "status", STATUSES)
    region = Region.objects.filter(pk=param_id(request.GET, "region")).first()
    meeting = Meeting.objects.filter(pk=param_id(request.GET, "meeting")).first()
    if scope == "mine":
        qs = selectors.actions_mine(user=request.user)
        status = status or "active"
    elif scope == "overdue":
        qs = selectors.actions_overdue(today=today)
        status = status or "active"
    else:
        qs = selectors.actions_base()
        status = status or ("all" if (region or meeting) else "active")
    qs = selectors.actions_filtered(qs=qs, status=status, region=region, meeting=meeting)
    page = Paginator(qs, PER_PAGE).get_page(param_page(request.GET))
    query = request.GET.copy()
    query.pop("page", None)
    title, lede = SCOPES[scope]
    can_add = request.user.has_perm("actions.add_action")
    if meeting:
        title = _("Actions from %(meeting)s") % {"meeting": meeting}
        lede = _("Every action from this meeting.")
    elif region:
        title = _("Actions in %(region)s") % {"region": region}
        lede = _("Actions from this region's meetings.")
    context = {
        "scope": scope,
        "title": title,
        "lede": lede,
        "page": page,
        "actions": page.object_list,
        "query": query.urlencode(),
        "today": today,
        "status": status,
        "statuses": STATUSES,
        "regions": Region.objects.all(),
        "region": region,
        "meeting": meeting,
        "can_add": can_add,
        # The new action belongs to the meeting whose actions are listed.
        "new_url": reverse("actions:create") + (f"?meeting={meeting.pk}" if meeting else "")
        if can_add
        else None,
        "overdue_count": selectors.actions_overdue(today=today).count(),
        "mine_count": selectors.actions_mine(user=request.user)
        .filter(status__in=selectors.OPEN_STATUSES)
        .count(),
    }
    template = "actions/action_list.html"
    if request.htmx:
        template += "#action-table"
    return render(request, template, context)


@require_safe
@login_required
def action_list(request):
    return _action_list(request, "list")


@require_safe
@login_required
def action_mine(request):
    return _action_list(request, "mine")


@require_safe
@login_required
def action_overdue(request):
    return _action_list(request, "overdue")


@require_safe
@login_required
def action_by_region(request):
    require_perm(request, "actions.view_action_list")
    return render(
        request,
        "actions/action_by_region.html",
        {"rows": selectors.action_counts_by_region()},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def action_create(request):
    require_perm(request, "actions.add_action")
    feedback_item = None
    meeting = None
    # The prefill comes from the address (GET) or the form's hidden field (POST).
    sent = request.POST if request.method == "POST" else request.GET
    if "feedback" in sent:
        # Only an item the user may read: its meeting's facilitators, owner and co-owners.
        feedback_item = get_object_or_404(
            FeedbackItem.objects.select_related("meeting"), pk=param_id(sent, "feedback")
        )
        if not rules.test_rule("feedback.read", request.user, feedback_item.meeting):
            raise Http404
        meeting = feedback_item.meeting
    elif "meeting" in sent:
        meeting = get_object_or_404(Meeting, pk=param_id(sent, "meeting"))
    if meeting is not None:
        require_perm(request, "actions.add_action_to_meeting", meeting)
    initial = {"owner": request.user.pk}
    if feedback_item is not None:
        initial["title"] = feedback_item.text[:200]
    form = ActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(
                created_by=request.user,
                feedback_item=feedback_item,
                meeting=meeting,
                **form.cleaned_data,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("Action “%(title)s” created for %(owner)s.")
                % {"title": action.title, "owner": action.owner},
            )
            return redirect("actions:detail", action.pk)
    return render(
        request,
        "actions/action_form.html",
        {"form": form, "feedback_item": feedback_item, "meeting": meeting},
        status=400 if form.errors else 200,
    )


@require_safe
@login_required
def action_detail(request, pk):
    action = get_object_or_404(selectors.actions_base(), pk=pk)
    require_perm(request, "actions.view_action", action)
    can_change = request.user.has_perm("actions.change_action_status", action)
    form = StatusForm(
        initial={
            "status": action.status,
            "what_was_done": action.what_was_done,
            "reason": action.status_reason,
        }
    )
    return render(
        request,
        "actions/action_detail.html",
        {
            "action": action,
            "form": form,
            "can_change": can_change,
            "today": timezone.localdate(),
        },
    )


@require_POST
@login_required
def action_status(request, pk):
    action = get_object_or_404(selectors.actions_base(), pk=pk)
    require_perm(request, "actions.change_action_status", action)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.action_set_status(
                action=action,
                by=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                what_was_done=form.cleaned_data["what_was_done"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("“%(title)s” is now %(status)s.")
                % {"title": action.title, "status": action.get_status_display()},
            )
            return redirect("actions:detail", action.pk)
    action.refresh_from_db()
    return render(
        request,
        "actions/action_detail.html",
        {"action": action, "form": form, "can_change": True, "today": timezone.localdate()},
        status=400,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def action_edit(request, pk):
    action = get_object_or_404(selectors.actions_base(), pk=pk)
    require_perm(request, "actions.change_action", action)
    initial = {
        "title": action.title,
        "description": action.description,
        "owner": action.owner_id,
        "due_date": action.due_date,
    }
    form = ActionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(action=action, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            action.refresh_from_db()
            errors_to_form(form, error)
        else:
            messages.success(request, _("Action saved."))
            return redirect("actions:detail", action.pk)
    return render(
        request,
        "actions/action_form.html",
        {"form": form, "action": action, "meeting": action.meeting},
        status=400 if form.errors else 200,
    )
