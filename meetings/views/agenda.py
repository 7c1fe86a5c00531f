"""A meeting's agenda: items, order, the customer-first order, the printable agenda."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.params import (
    param_flag,
    param_id,
    param_ids,
    param_int,
    param_text,
    parse_id,
)

from .. import selectors, services
from ..forms import AgendaItemForm
from ..models import AgendaItem
from .common import Status, error_text, meeting_or_404


def _agenda_response(request, meeting, *, error: str = "", status: int = 200, form=None):
    meeting.refresh_from_db(fields=["agenda_version", "status"])
    items = list(meeting.agenda_items.order_by("position", "pk"))
    context = {
        "meeting": meeting,
        "agenda_items": items,
        "customer_first": services.agenda_is_customer_first(items),
        "timing": selectors.agenda_timing(meeting=meeting, items=items),
        "agenda_error": error,
        "form": form or AgendaItemForm(),
        "editable": meeting.status not in (Status.CLOSED, Status.CANCELLED),
    }
    if request.htmx:
        # htmx swaps only 2xx responses; the refusal is in the partial (role="alert").
        return render(request, "meetings/agenda.html#agenda-editor", context)
    if error:
        messages.error(request, error)
    if request.method == "POST" and not (form and form.errors):
        return redirect("meetings:agenda", pk=meeting.pk)
    return render(request, "meetings/agenda.html", context, status=status)


@require_safe
@login_required
def agenda(request, pk):
    meeting = meeting_or_404(request, pk, "meetings.change_meeting")
    return _agenda_response(request, meeting)


@require_POST
@login_required
def agenda_item_add(request, pk):
    meeting = meeting_or_404(request, pk, "meetings.change_meeting")
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_item_add(meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            return _agenda_response(request, meeting, error=error_text(exc), status=400)
        if not request.htmx:
            messages.success(request, _("Item added."))
        return _agenda_response(request, meeting)
    return _agenda_response(request, meeting, error=_("Check the new item."), status=400, form=form)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def agenda_item_edit(request, pk, item_pk):
    meeting = meeting_or_404(request, pk, "meetings.change_meeting")
    item = get_object_or_404(AgendaItem, meeting=meeting, pk=item_pk)
    form = AgendaItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(
                item=AgendaItem.objects.get(pk=item.pk), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Item saved."))
            return redirect("meetings:agenda", pk=pk)
    return render(
        request, "meetings/agenda_item_form.html", {"meeting": meeting, "item": item, "form": form}
    )


@require_POST
@login_required
def agenda_item_delete(request, pk):
    meeting = meeting_or_404(request, pk, "meetings.change_meeting")
    try:
        services.agenda_item_delete(meeting=meeting, item_id=param_id(request.POST, "item"))
    except (ValidationError, ValueError) as exc:
        message = error_text(exc) if isinstance(exc, ValidationError) else _("Unknown item.")
        return _agenda_response(request, meeting, error=message, status=400)
    return _agenda_response(request, meeting)


@require_POST
@login_required
def agenda_move(request, pk):
    meeting = meeting_or_404(request, pk, "meetings.change_meeting")
    item_id, _, direction = param_text(request.POST, "move", max_length=40).partition(":")
    try:
        services.agenda_item_move(
            meeting=meeting,
            item_id=parse_id(item_id),
            direction=direction,
            version=param_int(request.POST, "version"),
        )
    except ValidationError as exc:
        return _agenda_response(request, meeting, error=error_text(exc), status=409)
    return _agenda_response(request, meeting)


@require_POST
@login_required
def agenda_reorder(request, pk):
    meeting = meeting_or_404(request, pk, "meetings.change_meeting")
    try:
        services.agenda_reorder(
            meeting=meeting,
            ordered_ids=param_ids(request.POST, "order", all_or_none=True),
            version=param_int(request.POST, "version"),
        )
    except ValidationError as exc:
        return _agenda_response(request, meeting, error=error_text(exc), status=409)
    return _agenda_response(request, meeting)


@require_POST
@login_required
def agenda_customer_first(request, pk):
    meeting = meeting_or_404(request, pk, "meetings.change_meeting")
    try:
        changed = services.meeting_reorder_customer_first(meeting=meeting)
    except ValidationError as exc:
        return _agenda_response(request, meeting, error=error_text(exc), status=400)
    if not request.htmx:
        messages.success(
            request,
            _("Customers first: the agenda is reordered.")
            if changed
            else _("The agenda was already customer-first."),
        )
    if param_flag(request.POST, "next", "detail"):
        return redirect(reverse("meetings:detail", args=[pk]) + "#agenda")
    return _agenda_response(request, meeting)


@require_safe
@login_required
def agenda_print(request, pk):
    meeting = meeting_or_404(request, pk)
    items = list(meeting.agenda_items.order_by("position", "pk"))
    return render(
        request, "meetings/agenda_print.html", {"meeting": meeting, "agenda_items": items}
    )
