import datetime as dt
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.params import (
    param_choice,
    param_flag,
    param_id,
    param_ids,
    param_int,
    param_page,
    param_text,
    parse_id,
)
from customers.models import Contact, Region
from customers.rules import led_region_ids
from customers.timezones import default_time_zone, zones_by_country

from . import selectors, services
from .forms import AgendaItemForm, FrontLineStaffForm, KindForm, MeetingForm
from .models import AgendaItem, Booking, Meeting
from .panels import panels_for

Status = Meeting.Status


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _meeting(request, pk, perm: str | None = None, *, for_page: bool = False) -> Meeting:
    """The meeting, if the user may know it exists (else 404) and holds `perm` (else 403)."""
    try:
        if for_page:
            meeting = selectors.meeting_for_page(pk=pk)
        else:
            meeting = (
                Meeting.objects.select_related("region", "owner")
                .prefetch_related("co_owners", "facilitators")
                .get(pk=pk)
            )
    except Meeting.DoesNotExist:
        raise Http404("No such meeting.") from None
    if not request.user.has_perm("meetings.view_meeting", meeting):
        raise Http404("No such meeting.")
    if perm and not request.user.has_perm(perm, meeting):
        raise PermissionDenied
    return meeting


def _abilities(user, meeting) -> dict:
    return {
        name: user.has_perm(f"meetings.{name}", meeting)
        for name in (
            "change_meeting",
            "book_guests",
            "prepare_meeting",
            "mark_attendance",
            "rate_meeting",
            "close_meeting",
        )
    }


def _transition_perm(to: str) -> str:
    if to == Status.HELD:
        return "meetings.prepare_meeting"
    if to == Status.CLOSED:
        return "meetings.close_meeting"
    return "meetings.change_meeting"


# --- List, rhythm, create, edit ---------------------------------------------------------


@require_safe
@login_required
def meeting_list(request):
    if not request.user.has_perm("meetings.view_meeting_list"):
        raise PermissionDenied
    scope = param_choice(request.GET, "scope", ("upcoming", "past", "all"), "upcoming")
    mine = param_flag(request.GET, "mine")
    paginator = Paginator(selectors.meeting_list(user=request.user, scope=scope, mine=mine), 50)
    page = paginator.get_page(param_page(request.GET))
    return render(
        request,
        "meetings/list.html",
        {
            "meetings": page.object_list,
            "page_obj": page,
            "scope": scope,
            "mine": mine,
            "can_add": request.user.has_perm("meetings.add_meeting"),
        },
    )


@require_safe
@login_required
def rhythm(request):
    if not request.user.has_perm("meetings.view_meeting_list"):
        raise PermissionDenied
    today = timezone.localdate()
    year = param_int(request.GET, "year", minimum=2000, maximum=2100)
    if year is None:
        # The last twelve months up to and including next month: the rhythm so far.
        first = today.year * 12 + today.month - 1 + 1 - 11
        start = dt.date(first // 12, first % 12 + 1, 1)
        label = _("The last twelve months")
    else:
        start = dt.date(year, 1, 1)
        label = str(year)
    months = selectors.rhythm_months(start=start, count=12)
    rows = selectors.rhythm(months=months, user=request.user)
    gaps = sum(
        1
        for row in rows
        for cell in row.cells
        if not cell.has_customer_guest and not cell.is_future
    )
    return render(
        request,
        "meetings/rhythm.html",
        {
            "months": months,
            "rows": rows,
            "label": label,
            "gaps": gaps,
            "year": year,
            "years": [today.year - 1, today.year, today.year + 1],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def meeting_create(request):
    if not request.user.has_perm("meetings.add_meeting"):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, user=request.user)
    if request.method == "GET":
        region = request.user.led_regions.first()
        if region:
            country = region.countries[0].code if region.countries else ""
            form.initial.update(
                {
                    "region": region.pk,
                    "country": country,
                    "time_zone": default_time_zone(country=country, region=region),
                }
            )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                owner=data.get("owner") or request.user,
                title=data["title"],
                type=data["type"],
                region=data["region"],
                country=data["country"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                time_zone=data["time_zone"],
                place=data["place"],
                video_link=data["video_link"],
                objectives=data["objectives"],
                co_owners=data["co_owners"],
                facilitators=data["facilitators"],
                internal_attendees=data["internal_attendees"],
                template=data.get("template"),
                empty_agenda=data.get("empty_agenda", False),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("“%(title)s” is created as a draft.") % {"title": meeting.title}
            )
            return redirect("meetings:detail", pk=meeting.pk)
    return _form_page(request, form)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def meeting_edit(request, pk):
    meeting = _meeting(request, pk, "meetings.change_meeting")
    form = MeetingForm(request.POST or None, user=request.user, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        fields = {name: data[name] for name in services.MEETING_FIELDS}
        notices = services.meeting_update_notices(meeting=meeting, **fields)
        if notices and not data.get("confirm_update"):
            # Guests would hear of this change: say who and why, and ask first.
            return _form_page(request, form, meeting, notices=notices)
        try:
            services.meeting_update(
                meeting=meeting,
                owner=data.get("owner"),
                co_owners=data["co_owners"],
                facilitators=data["facilitators"],
                internal_attendees=data["internal_attendees"],
                by=request.user,
                **fields,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            told = sum(len(notice["guests"]) for notice in notices)
            messages.success(
                request,
                ngettext(
                    "The meeting is saved. %(count)s guest will get one update in a few minutes "
                    "(changes saved meanwhile join it).",
                    "The meeting is saved. %(count)s guests will get one update in a few minutes "
                    "(changes saved meanwhile join it).",
                    told,
                )
                % {"count": told}
                if told
                else _("The meeting is saved."),
            )
            return redirect("meetings:detail", pk=meeting.pk)
    return _form_page(request, form, meeting)


def _time_zones() -> list[str]:
    return sorted(zoneinfo.available_timezones() - {"Factory", "localtime"})


def _form_page(request, form, meeting=None, **extra):
    # The page fills the zone in from the country (then the region) as they are chosen.
    zone_defaults = {
        "countries": zones_by_country(),
        "regions": dict(Region.objects.values_list("pk", "time_zone")),
    }
    context = {
        "form": form,
        "meeting": meeting,
        "time_zones": _time_zones(),
        "zone_defaults": zone_defaults,
    }
    return render(request, "meetings/form.html", context | extra)


# --- The meeting page -----------------------------------------------------------------


def _page_context(request, meeting) -> dict:
    items = list(meeting.agenda_items.all())
    bookings = list(meeting.bookings.all())
    contacts = [b.contact for b in bookings]
    # Guests' names for those who may see them (meetings/rules.py, customers/rules.py).
    sees_all = request.user.has_perm("meetings.view_guest_details", meeting)
    led = led_region_ids(request.user)
    for booking in bookings:
        contact = booking.contact
        # Front-line staff belong to no region: the meeting's region answers for them.
        region_id = (
            meeting.region_id if contact.is_front_line_staff else contact.organisation.region_id
        )
        booking.name_hidden = not sees_all and region_id not in led
    region_facets = selectors.region_facets(meeting=meeting) if meeting.is_panel else None
    return {
        "meeting": meeting,
        "agenda_items": items,
        "customer_first": services.agenda_is_customer_first(items),
        "bookings": bookings,
        "warnings": services.booking_warnings(
            meeting=meeting, contacts=contacts, region_facets=region_facets
        ),
        "prep_items": list(meeting.prep_items.all()),
        "chosen_questions": list(meeting.questions.all()),
        "can": _abilities(request.user, meeting),
        "invite_missing": services.meeting_invite_missing(meeting=meeting)
        if meeting.status == Status.DRAFT
        else [],
        "transitions": [
            (to, Status(to).label)
            for to in services.meeting_allowed_transitions(meeting=meeting)
            if request.user.has_perm(_transition_perm(to), meeting)
        ],
        "kind_form": KindForm(
            initial={"kind": meeting.kind, "reason": meeting.kind_reason} if meeting.kind else None
        ),
    }


@require_safe
@login_required
def meeting_detail(request, pk):
    meeting = _meeting(request, pk, for_page=True)
    context = _page_context(request, meeting)
    context["panels"] = panels_for(meeting=meeting, user=request.user)
    return render(request, "meetings/detail.html", context)


@require_POST
@login_required
def meeting_transition(request, pk):
    to = param_choice(request.POST, "to", Status.values)
    meeting = _meeting(request, pk)
    # Permission first (an unknown status needs change_meeting), so that nobody learns
    # more than "forbidden" about a meeting they may not change (security matrix).
    if not request.user.has_perm(_transition_perm(to), meeting):
        raise PermissionDenied
    if to not in Status.values:
        messages.error(request, _("Unknown status."))
        return redirect("meetings:detail", pk=pk)
    try:
        services.meeting_transition(meeting=meeting, to=to, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request, _("The meeting is now %(status)s.") % {"status": str(Status(to).label).lower()}
        )
    return redirect("meetings:detail", pk=pk)


@require_POST
@login_required
def meeting_rate(request, pk):
    meeting = _meeting(request, pk, "meetings.rate_meeting")
    form = KindForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_rate_kind(
                meeting=meeting,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Rated %(kind)s.") % {"kind": meeting.get_kind_display()})
            return redirect("meetings:detail", pk=pk)
    else:
        messages.error(request, _("Choose a kind and say why."))
    meeting = _meeting(request, pk, for_page=True)
    context = _page_context(request, meeting)
    context["kind_form"] = form
    context["panels"] = panels_for(meeting=meeting, user=request.user)
    return render(request, "meetings/detail.html", context, status=400)


@require_POST
@login_required
def attendance(request, pk):
    meeting = _meeting(request, pk, "meetings.mark_attendance")
    values = {"yes": True, "no": False, "": None}
    marks = {}
    for key, value in request.POST.items():
        if key.startswith("attended-"):
            booking_pk = parse_id(key.removeprefix("attended-"))
            if value not in values or booking_pk is None:
                messages.error(request, _("Mark each guest attended, absent or unknown."))
                return redirect("meetings:detail", pk=pk)
            marks[booking_pk] = values[value]
    try:
        changed = services.booking_mark_attendance(
            meeting=meeting, attendance=marks, by=request.user
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Attendance saved (%(count)s changed).") % {"count": changed})
    return redirect(reverse("meetings:detail", args=[pk]) + "#guests")


# --- Agenda ---------------------------------------------------------------------------


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
    meeting = _meeting(request, pk, "meetings.change_meeting")
    return _agenda_response(request, meeting)


@require_POST
@login_required
def agenda_item_add(request, pk):
    meeting = _meeting(request, pk, "meetings.change_meeting")
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_item_add(meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            return _agenda_response(request, meeting, error=_error_text(exc), status=400)
        if not request.htmx:
            messages.success(request, _("Item added."))
        return _agenda_response(request, meeting)
    return _agenda_response(request, meeting, error=_("Check the new item."), status=400, form=form)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def agenda_item_edit(request, pk, item_pk):
    meeting = _meeting(request, pk, "meetings.change_meeting")
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
    meeting = _meeting(request, pk, "meetings.change_meeting")
    try:
        services.agenda_item_delete(meeting=meeting, item_id=param_id(request.POST, "item"))
    except (ValidationError, ValueError) as exc:
        message = _error_text(exc) if isinstance(exc, ValidationError) else _("Unknown item.")
        return _agenda_response(request, meeting, error=message, status=400)
    return _agenda_response(request, meeting)


@require_POST
@login_required
def agenda_move(request, pk):
    meeting = _meeting(request, pk, "meetings.change_meeting")
    item_id, _, direction = param_text(request.POST, "move", max_length=40).partition(":")
    try:
        services.agenda_item_move(
            meeting=meeting,
            item_id=parse_id(item_id),
            direction=direction,
            version=param_int(request.POST, "version"),
        )
    except ValidationError as exc:
        return _agenda_response(request, meeting, error=_error_text(exc), status=409)
    return _agenda_response(request, meeting)


@require_POST
@login_required
def agenda_reorder(request, pk):
    meeting = _meeting(request, pk, "meetings.change_meeting")
    try:
        services.agenda_reorder(
            meeting=meeting,
            ordered_ids=param_ids(request.POST, "order", all_or_none=True),
            version=param_int(request.POST, "version"),
        )
    except ValidationError as exc:
        return _agenda_response(request, meeting, error=_error_text(exc), status=409)
    return _agenda_response(request, meeting)


@require_POST
@login_required
def agenda_customer_first(request, pk):
    meeting = _meeting(request, pk, "meetings.change_meeting")
    try:
        changed = services.meeting_reorder_customer_first(meeting=meeting)
    except ValidationError as exc:
        return _agenda_response(request, meeting, error=_error_text(exc), status=400)
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
    meeting = _meeting(request, pk)
    items = list(meeting.agenda_items.order_by("position", "pk"))
    return render(
        request, "meetings/agenda_print.html", {"meeting": meeting, "agenda_items": items}
    )


# --- Guests ---------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def guests(request, pk):
    """Book guests: pick contacts, see the warnings for the resulting guest list, confirm."""
    meeting = _meeting(request, pk, "meetings.book_guests")
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
                error = _error_text(exc)
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
    meeting = _meeting(request, pk, "meetings.book_guests")
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
    meeting = _meeting(request, pk, "meetings.book_guests")
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
    meeting = _meeting(request, pk, "meetings.book_guests")
    try:
        services.booking_remove(meeting=meeting, booking_id=param_id(request.POST, "booking"))
    except (ValidationError, ValueError) as exc:
        messages.error(
            request,
            _error_text(exc)
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
            context["error"] = _error_text(exc)
            return render(request, "meetings/book_contact.html", context, status=400)
        messages.success(
            request,
            _("%(name)s is booked in “%(meeting)s”.")
            % {"name": contact.name, "meeting": chosen.title},
        )
        return redirect(reverse("meetings:detail", args=[chosen.pk]) + "#guests")
    return render(request, "meetings/book_contact.html", context)


# --- Preparation ------------------------------------------------------------------------


@require_POST
@login_required
def prep_toggle(request, pk):
    meeting = _meeting(request, pk, "meetings.prepare_meeting")
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
    meeting = _meeting(request, pk, "meetings.prepare_meeting")
    try:
        services.prep_item_add(meeting=meeting, text=param_text(request.POST, "text"))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(reverse("meetings:detail", args=[pk]) + "#prep")


@require_safe
@login_required
def prep_brief(request, pk):
    meeting = _meeting(request, pk, for_page=True)
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
    meeting = _meeting(request, pk, "meetings.prepare_meeting")
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
                _error_text(exc) if isinstance(exc, ValidationError) else _("Unknown question."),
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
