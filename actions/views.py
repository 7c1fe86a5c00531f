import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.params import param_choice, param_id, param_page, param_text
from accounts.ratelimits import rate_limit
from anonymity.policy import min_organisations
from customers.models import Region
from feedback.models import FeedbackItem
from meetings.models import Meeting

from . import followup, selectors, services
from .forms import (
    ActionForm,
    CharterForm,
    CharterItemForm,
    ExpectationLinkForm,
    FollowUpForm,
    MeasureForm,
    MeasureValueForm,
    StatusForm,
)
from .models import Action, Charter, CharterItem, CharterVersion, FollowUp, Measure


def _require(request, perm, obj=None):
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Actions -----------------------------------------------------------------------------

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
    _require(request, "actions.view_action_list")
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
        "can_add": request.user.has_perm("actions.add_action"),
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
    _require(request, "actions.view_action_list")
    return render(
        request,
        "actions/action_by_region.html",
        {"rows": selectors.action_counts_by_region()},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def action_create(request):
    _require(request, "actions.add_action")
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
        _require(request, "actions.add_action_to_meeting", meeting)
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
            _errors_to_form(form, error)
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
    _require(request, "actions.view_action", action)
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
    _require(request, "actions.change_action_status", action)
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
            _errors_to_form(form, error)
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
    _require(request, "actions.change_action", action)
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
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Action saved."))
            return redirect("actions:detail", action.pk)
    return render(
        request,
        "actions/action_form.html",
        {"form": form, "action": action, "meeting": action.meeting},
        status=400 if form.errors else 200,
    )


# --- "You said, we did" ----------------------------------------------------------------------


def _meeting_for_follow_up(request, meeting_pk):
    meeting = get_object_or_404(Meeting.objects.select_related("region"), pk=meeting_pk)
    _require(request, "actions.send_follow_up", meeting)
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
            _errors_to_form(form, error)
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
            "greeting": _("Dear guest"),
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
        messages.error(request, _error_text(error))
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
    """What a guest reads from the signed link in their mail; no account needed."""
    follow_up = followup.follow_up_from_token(token)
    if follow_up is None:
        return render(request, "actions/follow_up_public_invalid.html", status=404)
    response = render(
        request,
        "actions/follow_up_public.html",
        {
            "follow_up": follow_up,
            "content": followup.present(follow_up.content),
            "introduction": follow_up.introduction,
            "closing": follow_up.closing,
            "greeting": "Dear guest",
        },
    )
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Charter -----------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def charter_list(request):
    _require(request, "actions.view_charter")
    can_change = request.user.has_perm("actions.add_charter")
    form = CharterForm(request.POST or None, user=request.user)
    if request.method == "POST":
        _require(request, "actions.add_charter")
        if form.is_valid():
            try:
                charter = services.charter_create(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("Charter “%(charter)s” created with an empty draft.") % {"charter": charter},
                )
                return redirect("actions:charter_detail", charter.pk)
    charters = Charter.objects.select_related("region").prefetch_related("versions")
    rows = []
    for charter in charters:
        versions = list(charter.versions.all())
        published = [v for v in versions if v.is_published]
        rows.append(
            {
                "charter": charter,
                "current": published[0] if published else None,
                "draft": next((v for v in versions if not v.is_published), None),
            }
        )
    return render(
        request,
        "actions/charter_list.html",
        {"rows": rows, "form": form, "can_change": can_change},
        status=400 if form.errors else 200,
    )


def _version_context(request, version: CharterVersion, *, item_form=None):
    charter = version.charter
    months = selectors.last_months(count=6)
    return {
        "charter": charter,
        "version": version,
        "versions": list(charter.versions.all()),
        "rows": selectors.charter_items_with_measures(version=version, months=months),
        "months": months,
        "can_change": (
            request.user.has_perm("actions.change_charter", charter) and not version.is_published
        ),
        "can_change_charter": request.user.has_perm("actions.change_charter", charter),
        "can_measure": request.user.has_perm("actions.record_measure", charter),
        "can_link": request.user.has_perm("actions.link_expectation", charter),
        "item_form": item_form or CharterItemForm(),
        "measure_form": MeasureForm(),
        "value_form": MeasureValueForm(initial={"month": timezone.localdate().replace(day=1)}),
        "draft": selectors.charter_draft(charter),
        "current": selectors.charter_current(charter),
        "minimum": min_organisations(),
        "missing_count": len(
            [g for g in selectors.missing_from_charter(charter=charter) if not g.promoted_into]
        ),
    }


@require_safe
@login_required
def charter_detail(request, pk):
    charter = get_object_or_404(Charter, pk=pk)
    _require(request, "actions.view_charter", charter)
    version = selectors.charter_current(charter) or selectors.charter_draft(charter)
    if version is None:
        raise Http404
    return redirect("actions:charter_version", version.pk)


@require_safe
@login_required
def charter_version(request, pk):
    version = get_object_or_404(CharterVersion.objects.select_related("charter__region"), pk=pk)
    _require(request, "actions.view_charter", version.charter)
    return render(request, "actions/charter_version.html", _version_context(request, version))


def _version_for_change(request, pk) -> CharterVersion:
    version = get_object_or_404(CharterVersion.objects.select_related("charter"), pk=pk)
    _require(request, "actions.change_charter", version.charter)
    return version


@require_POST
@login_required
def charter_item_add(request, pk):
    version = _version_for_change(request, pk)
    form = CharterItemForm(request.POST)
    if form.is_valid():
        try:
            services.charter_item_add(version=version, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Item added."))
            return redirect("actions:charter_version", version.pk)
    else:
        messages.error(request, _("Write what customers expect, and choose a category."))
    return redirect("actions:charter_version", version.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def charter_item_edit(request, pk):
    item = get_object_or_404(CharterItem.objects.select_related("version__charter"), pk=pk)
    _require(request, "actions.change_charter", item.version.charter)
    if item.version.is_published:
        messages.error(
            request,
            _(
                "Version %(number)s is published and can no longer be changed. "
                "Start the next draft to revise the charter."
            )
            % {"number": item.version.number},
        )
        return redirect("actions:charter_version", item.version.pk)
    form = CharterItemForm(request.POST or None, instance=item)
    if request.method == "POST":
        if "delete" in request.POST:
            try:
                services.charter_item_delete(item=item, by=request.user)
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                messages.success(request, _("Item removed from the draft."))
            return redirect("actions:charter_version", item.version.pk)
        if form.is_valid():
            try:
                services.charter_item_update(
                    item=CharterItem.objects.get(pk=item.pk),
                    by=request.user,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Item saved."))
                return redirect("actions:charter_version", item.version.pk)
    return render(
        request,
        "actions/charter_item_form.html",
        {"form": form, "item": item, "version": item.version},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def charter_version_transition(request, pk, step):
    version = _version_for_change(request, pk)
    service = {
        "review": services.charter_version_mark_reviewed,
        "publish": services.charter_version_publish,
    }.get(step)
    if service is None:
        raise Http404
    try:
        service(version=version, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            (
                _("Version %(number)s is marked reviewed with customers.")
                if step == "review"
                else _("Version %(number)s is published.")
            )
            % {"number": version.number},
        )
    return redirect("actions:charter_version", version.pk)


@require_POST
@login_required
def charter_new_draft(request, pk):
    charter = get_object_or_404(Charter, pk=pk)
    _require(request, "actions.change_charter", charter)
    draft = services.charter_next_draft(charter=charter, by=request.user)
    messages.success(
        request, _("Version %(number)s is the draft being written.") % {"number": draft.number}
    )
    return redirect("actions:charter_version", draft.pk)


@require_safe
@login_required
def charter_diff(request, pk):
    charter = get_object_or_404(Charter, pk=pk)
    _require(request, "actions.view_charter", charter)
    versions = list(charter.versions.all())  # newest first
    by_number = {v.number: v for v in versions}
    if len(versions) < 2:
        messages.info(request, _("This charter has only one version: nothing to compare yet."))
        return redirect("actions:charter_detail", charter.pk)
    new = by_number.get(param_id(request.GET, "new")) or versions[0]
    old = by_number.get(param_id(request.GET, "old")) or next(
        (v for v in versions if v.number < new.number), versions[-1]
    )
    rows = selectors.charter_versions_diff(old=old, new=new)
    summary = {
        change: sum(1 for r in rows if r.change == change)
        for change in ("added", "removed", "changed", "unchanged")
    }
    return render(
        request,
        "actions/charter_diff.html",
        {
            "charter": charter,
            "versions": versions,
            "old": old,
            "new": new,
            "rows": rows,
            "summary": summary,
        },
    )


@require_safe
@login_required
def charter_missing(request, pk):
    charter = get_object_or_404(Charter.objects.select_related("region"), pk=pk)
    _require(request, "actions.view_charter", charter)
    return render(
        request,
        "actions/charter_missing.html",
        {
            "charter": charter,
            "groups": selectors.missing_from_charter(charter=charter),
            "minimum": min_organisations(),
            "can_promote": request.user.has_perm("actions.change_charter", charter),
            "draft": selectors.charter_draft(charter),
        },
    )


@require_POST
@login_required
def charter_promote(request, pk):
    charter = get_object_or_404(Charter, pk=pk)
    _require(request, "actions.change_charter", charter)
    label = param_text(request.POST, "label", max_length=200)
    try:
        item = services.expectation_promote(charter=charter, label=label, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("“%(text)s” is now in draft version %(number)s.")
            % {"text": item.text, "number": item.version.number},
        )
    return redirect("actions:charter_missing", charter.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def charter_heard(request, pk):
    """Place each expectation heard: on the charter (which item) or not on it."""
    charter = get_object_or_404(Charter.objects.select_related("region"), pk=pk)
    _require(request, "actions.link_expectation", charter)
    current = selectors.charter_current(charter) or selectors.charter_draft(charter)
    items = list(current.items.all()) if current else []
    waiting = selectors.expectations_to_link_for(user=request.user, charter=charter)
    if request.method == "POST":
        feedback_item = waiting.filter(pk=param_id(request.POST, "feedback_item")).first()
        if feedback_item is None:
            messages.error(request, _("That expectation is no longer waiting to be placed."))
            return redirect("actions:charter_heard", charter.pk)
        form = ExpectationLinkForm(request.POST, items=items)
        if form.is_valid():
            try:
                services.expectation_link(
                    feedback_item=feedback_item,
                    charter=charter,
                    by=request.user,
                    item=form.chosen_item(),
                    label=form.cleaned_data["label"],
                )
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                messages.success(request, _("Expectation placed."))
        else:
            messages.error(request, _("Choose where the expectation sits."))
        return redirect("actions:charter_heard", charter.pk)
    pending = list(waiting[:50])
    return render(
        request,
        "actions/charter_heard.html",
        {
            "charter": charter,
            "version": current,
            "pending": [(fi, ExpectationLinkForm(items=items, prefix=None)) for fi in pending],
        },
    )


def _measure_for(request, pk) -> Measure:
    measure = get_object_or_404(Measure.objects.select_related("charter"), pk=pk)
    _require(request, "actions.record_measure", measure.charter)
    return measure


@require_POST
@login_required
def measure_add(request, item_pk):
    item = get_object_or_404(CharterItem.objects.select_related("version__charter"), pk=item_pk)
    _require(request, "actions.record_measure", item.version.charter)
    form = MeasureForm(request.POST)
    if form.is_valid():
        try:
            services.measure_create(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request, _("Measure “%(name)s” added.") % {"name": form.cleaned_data["name"]}
            )
    else:
        messages.error(request, _("Give the measure a name and a numeric target."))
    return redirect(reverse("actions:charter_version", args=[item.version.pk]) + "#measures")


@require_POST
@login_required
def measure_record(request, pk):
    measure = _measure_for(request, pk)
    form = MeasureValueForm(request.POST)
    # Back to the version the form was on, if it is one of this measure's charter.
    version_pk = param_id(request.POST, "version")
    target = (
        reverse("actions:charter_version", args=[version_pk])
        if version_pk and measure.charter.versions.filter(pk=version_pk).exists()
        else reverse("actions:charter_detail", args=[measure.charter_id])
    )
    if form.is_valid():
        try:
            services.measure_record(measure=measure, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("%(measure)s: %(month)s recorded.")
                % {
                    "measure": measure.name,
                    "month": date_format(form.cleaned_data["month"], "F Y"),
                },
            )
    else:
        messages.error(request, _("Choose a month and enter a number."))
    return redirect(target + "#measures")
