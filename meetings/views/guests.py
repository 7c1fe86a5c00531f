"""A meeting's guests: booking customers and front-line staff, removing them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.params import (
    param_flag,
    param_id,
    param_ids,
    param_text,
)
from customers.models import Contact

from .. import selectors, services
from ..forms import FrontLineStaffForm
from ..models import Booking
from .common import error_text, meeting_or_404


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def guests(request, pk):
    """Book guests: pick contacts, see the warnings for the resulting guest list, confirm."""
    meeting = meeting_or_404(request, pk, "meetings.book_guests")
    all_regions = param_flag(request.GET, "all_regions") or param_flag(request.POST, "all_regions")
    search = param_text(request.GET, "q", max_length=100)
    booked = list(
        Booking.objects.filter(meeting=meeting)
        .select_related("contact__organisation")
        .prefetch_related("contact__organisation__facets")
    )
    booked_ids = {b.contact_id for b in booked}
    chosen_ids = [i for i in param_ids(request.POST, "contacts") if i not in booked_ids]
    bookable = selectors.bookable_region_ids(meeting=meeting, user=request.user)
    chosen = (
        selectors.contacts_with_facets(ids=chosen_ids, region_ids=bookable) if chosen_ids else []
    )
    error = ""
    if len(chosen) != len(set(chosen_ids)):
        error = _("Some of the chosen contacts no longer exist; choose again.")
        chosen = []
    warnings = []
    if request.method == "POST" and chosen and not error:
        warnings = services.booking_warnings(
            meeting=meeting, contacts=[b.contact for b in booked] + chosen
        )
        confirmed = param_flag(request.POST, "confirm")
        if confirmed or not warnings:
            try:
                created = services.booking_add(meeting=meeting, contacts=chosen, by=request.user)
            except ValidationError as exc:
                error = error_text(exc)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Booked %(count)s guest: %(names)s.",
                        "Booked %(count)s guests: %(names)s.",
                        len(created),
                    )
                    % {
                        "count": len(created),
                        "names": ", ".join(b.contact.name for b in created),
                    },
                )
                return redirect(reverse("meetings:detail", args=[pk]) + "#guests")
    elif request.method == "POST" and not chosen and not error:
        error = _("Choose at least one contact to book.")
    return _render_guests(
        request,
        meeting,
        booked=booked,
        chosen=chosen,
        warnings=warnings,
        needs_confirmation=bool(warnings) and request.method == "POST" and not error,
        all_regions=all_regions,
        search=search,
        error=error,
        status=400 if error else 200,
    )


def _render_guests(
    request,
    meeting,
    *,
    booked=None,
    chosen=(),
    warnings=(),
    needs_confirmation=False,
    all_regions=False,
    search="",
    error="",
    staff_form=None,
    status=200,
):
    """The guests page: who is booked, the contacts to choose from, the staff form."""
    if booked is None:
        booked = list(
            Booking.objects.filter(meeting=meeting)
            .select_related("contact__organisation")
            .prefetch_related("contact__organisation__facets")
        )
    booked_ids = {b.contact_id for b in booked}
    candidates = selectors.contacts_for_booking(
        meeting=meeting, all_regions=all_regions, search=search, user=request.user
    ).exclude(pk__in=booked_ids)[:300]
    return render(
        request,
        "meetings/guests.html",
        {
            "meeting": meeting,
            "booked": booked,
            "candidates": candidates,
            "chosen_ids": {c.pk for c in chosen},
            "chosen": chosen,
            "warnings": warnings,
            "current_warnings": services.booking_warnings(
                meeting=meeting, contacts=[b.contact for b in booked]
            ),
            "needs_confirmation": needs_confirmation,
            "all_regions": all_regions,
            "search": search,
            "error": error,
            "staff_form": staff_form or FrontLineStaffForm(),
        },
        status=status,
    )


@require_POST
@login_required
def guests_staff(request, pk):
    """Invite one of our front-line staff by name and email, like a guest (no account)."""
    meeting = meeting_or_404(request, pk, "meetings.book_guests")
    form = FrontLineStaffForm(request.POST)
    if form.is_valid():
        try:
            booking = services.front_line_staff_invite(
                meeting=meeting,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                by=request.user,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(
                request,
                gettext(
                    "%(name)s is booked as front-line staff. Send the invitation from the "
                    "Invitations page: they answer from their own link, no account needed."
                )
                % {"name": booking.contact.name},
            )
            return redirect(reverse("meetings:detail", args=[pk]) + "#guests")
    return _render_guests(request, meeting, staff_form=form, status=400)


@require_POST
@login_required
def guests_preview(request, pk):
    """The warnings the ticked contacts would cause, shown live as they are ticked (htmx)."""
    meeting = meeting_or_404(request, pk, "meetings.book_guests")
    booked = [
        b.contact
        for b in Booking.objects.filter(meeting=meeting)
        .select_related("contact__organisation")
        .prefetch_related("contact__organisation__facets")
    ]
    booked_ids = {c.pk for c in booked}
    ids = [i for i in param_ids(request.POST, "contacts") if i not in booked_ids]
    bookable = selectors.bookable_region_ids(meeting=meeting, user=request.user)
    chosen = selectors.contacts_with_facets(ids=ids, region_ids=bookable) if ids else []
    warnings = (
        services.booking_warnings(meeting=meeting, contacts=booked + chosen) if chosen else []
    )
    return render(
        request,
        "meetings/guests.html#live-warnings",
        {"meeting": meeting, "chosen": chosen, "warnings": warnings},
    )


@require_POST
@login_required
def guest_remove(request, pk):
    meeting = meeting_or_404(request, pk, "meetings.book_guests")
    try:
        services.booking_remove(meeting=meeting, booking_id=param_id(request.POST, "booking"))
    except (ValidationError, ValueError) as exc:
        messages.error(
            request,
            error_text(exc)
            if isinstance(exc, ValidationError)
            else _("That guest is not booked in this meeting. Nothing was changed."),
        )
    else:
        messages.success(request, _("The guest is removed."))
    return redirect(reverse("meetings:detail", args=[pk]) + "#guests")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def book_contact(request):
    """From a contact (customers' pages, invite next): choose an upcoming meeting in the
    contact's region and book them, seeing the warnings first."""
    if not request.user.has_perm("meetings.add_meeting"):
        raise PermissionDenied
    sent = request.POST if request.method == "POST" else request.GET
    contact = (
        Contact.objects.select_related("organisation__region")
        .filter(pk=param_id(sent, "contact") or param_id(request.GET, "contact"))
        .filter(organisation__isnull=False)
        .filter(erased_at__isnull=True)
        .first()
    )
    if contact is None:
        raise Http404("No such contact.")
    meetings = list(selectors.upcoming_meetings_for_contact(contact=contact, user=request.user))
    # A contact the user may book: one of a region they lead (customers/rules.py), or of
    # the region of an upcoming meeting they manage (the guests page offers them too).
    # Anyone else's contact does not exist here.
    if not meetings and not request.user.has_perm("customers.book_contact", contact):
        raise Http404("No such contact.")
    context = {"contact": contact, "meetings": meetings, "warnings": [], "chosen": None}
    if request.method == "POST":
        chosen_pk = param_id(request.POST, "meeting")
        chosen = next((m for m in meetings if m.pk == chosen_pk), None)
        if chosen is None:
            context["error"] = _("Choose one of the meetings listed.")
            return render(request, "meetings/book_contact.html", context, status=400)
        if Booking.objects.filter(meeting=chosen, contact=contact).exists():
            messages.info(
                request,
                _("%(name)s is already booked in “%(meeting)s”.")
                % {"name": contact.name, "meeting": chosen.title},
            )
            return redirect(reverse("meetings:detail", args=[chosen.pk]) + "#guests")
        guests_now = [
            b.contact
            for b in Booking.objects.filter(meeting=chosen)
            .select_related("contact__organisation")
            .prefetch_related("contact__organisation__facets")
        ]
        contact_full = selectors.contacts_with_facets(ids=[contact.pk])[0]
        warnings = services.booking_warnings(meeting=chosen, contacts=[*guests_now, contact_full])
        if warnings and not param_flag(request.POST, "confirm"):
            context.update({"warnings": warnings, "chosen": chosen})
            return render(request, "meetings/book_contact.html", context)
        try:
            services.booking_add(meeting=chosen, contacts=[contact], by=request.user)
        except ValidationError as exc:
            context["error"] = error_text(exc)
            return render(request, "meetings/book_contact.html", context, status=400)
        messages.success(
            request,
            _("%(name)s is booked in “%(meeting)s”.")
            % {"name": contact.name, "meeting": chosen.title},
        )
        return redirect(reverse("meetings:detail", args=[chosen.pk]) + "#guests")
    return render(request, "meetings/book_contact.html", context)
