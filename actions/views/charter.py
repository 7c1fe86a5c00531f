"""The customer charter: versions, items, expectations heard and missing, measures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.params import param_id, param_text
from anonymity.policy import min_organisations

from .. import selectors, services
from ..forms import (
    CharterForm,
    CharterItemForm,
    ExpectationLinkForm,
    MeasureForm,
    MeasureValueForm,
)
from ..models import Charter, CharterItem, CharterVersion, Measure
from .common import error_text, errors_to_form, require_perm


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def charter_list(request):
    require_perm(request, "actions.view_charter")
    can_change = request.user.has_perm("actions.add_charter")
    form = CharterForm(request.POST or None, user=request.user)
    if request.method == "POST":
        require_perm(request, "actions.add_charter")
        if form.is_valid():
            try:
                charter = services.charter_create(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                errors_to_form(form, error)
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
    require_perm(request, "actions.view_charter", charter)
    version = selectors.charter_current(charter) or selectors.charter_draft(charter)
    if version is None:
        raise Http404
    return redirect("actions:charter_version", version.pk)


@require_safe
@login_required
def charter_version(request, pk):
    version = get_object_or_404(CharterVersion.objects.select_related("charter__region"), pk=pk)
    require_perm(request, "actions.view_charter", version.charter)
    return render(request, "actions/charter_version.html", _version_context(request, version))


def _version_for_change(request, pk) -> CharterVersion:
    version = get_object_or_404(CharterVersion.objects.select_related("charter"), pk=pk)
    require_perm(request, "actions.change_charter", version.charter)
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
            messages.error(request, error_text(error))
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
    require_perm(request, "actions.change_charter", item.version.charter)
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
                messages.error(request, error_text(error))
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
                errors_to_form(form, error)
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
        messages.error(request, error_text(error))
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
    require_perm(request, "actions.change_charter", charter)
    draft = services.charter_next_draft(charter=charter, by=request.user)
    messages.success(
        request, _("Version %(number)s is the draft being written.") % {"number": draft.number}
    )
    return redirect("actions:charter_version", draft.pk)


@require_safe
@login_required
def charter_diff(request, pk):
    charter = get_object_or_404(Charter, pk=pk)
    require_perm(request, "actions.view_charter", charter)
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
    require_perm(request, "actions.view_charter", charter)
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
    require_perm(request, "actions.change_charter", charter)
    label = param_text(request.POST, "label", max_length=200)
    try:
        item = services.expectation_promote(charter=charter, label=label, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
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
    require_perm(request, "actions.link_expectation", charter)
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
                messages.error(request, error_text(error))
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
    require_perm(request, "actions.record_measure", measure.charter)
    return measure


@require_POST
@login_required
def measure_add(request, item_pk):
    item = get_object_or_404(CharterItem.objects.select_related("version__charter"), pk=item_pk)
    require_perm(request, "actions.record_measure", item.version.charter)
    form = MeasureForm(request.POST)
    if form.is_valid():
        try:
            services.measure_create(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error_text(error))
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
            messages.error(request, error_text(error))
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
