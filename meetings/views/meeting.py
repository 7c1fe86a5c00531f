"""The meetings list, the monthly rhythm, creating and editing a meeting, its page and status."""

import datetime as dt
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.params import (
    param_choice,
    param_flag,
    param_int,
    param_page,
    parse_id,
)
from customers.models import Region
from customers.rules import led_region_ids
from customers.timezones import default_time_zone, zones_by_country

from .. import selectors, services
from ..forms import KindForm, MeetingForm
from ..panels import panels_for
from .common import Status, abilities, error_text, meeting_or_404, transition_perm


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
    meeting = meeting_or_404(request, pk, "meetings.change_meeting")
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
        "can": abilities(request.user, meeting),
        "invite_missing": services.meeting_invite_missing(meeting=meeting)
        if meeting.status == Status.DRAFT
        else [],
        "transitions": [
            (to, Status(to).label)
            for to in services.meeting_allowed_transitions(meeting=meeting)
            if request.user.has_perm(transition_perm(to), meeting)
        ],
        "kind_form": KindForm(
            initial={"kind": meeting.kind, "reason": meeting.kind_reason} if meeting.kind else None
        ),
    }


@require_safe
@login_required
def meeting_detail(request, pk):
    meeting = meeting_or_404(request, pk, for_page=True)
    context = _page_context(request, meeting)
    context["panels"] = panels_for(meeting=meeting, user=request.user)
    return render(request, "meetings/detail.html", context)


@require_POST
@login_required
def meeting_transition(request, pk):
    to = param_choice(request.POST, "to", Status.values)
    meeting = meeting_or_404(request, pk)
    # Permission first (an unknown status needs change_meeting), so that nobody learns
    # more than "forbidden" about a meeting they may not change (security matrix).
    if not request.user.has_perm(transition_perm(to), meeting):
        raise PermissionDenied
    if to not in Status.values:
        messages.error(request, _("Unknown status."))
        return redirect("meetings:detail", pk=pk)
    try:
        services.meeting_transition(meeting=meeting, to=to, by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request, _("The meeting is now %(status)s.") % {"status": str(Status(to).label).lower()}
        )
    return redirect("meetings:detail", pk=pk)


@require_POST
@login_required
def meeting_rate(request, pk):
    meeting = meeting_or_404(request, pk, "meetings.rate_meeting")
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
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Rated %(kind)s.") % {"kind": meeting.get_kind_display()})
            return redirect("meetings:detail", pk=pk)
    else:
        messages.error(request, _("Choose a kind and say why."))
    meeting = meeting_or_404(request, pk, for_page=True)
    context = _page_context(request, meeting)
    context["kind_form"] = form
    context["panels"] = panels_for(meeting=meeting, user=request.user)
    return render(request, "meetings/detail.html", context, status=400)


@require_POST
@login_required
def attendance(request, pk):
    meeting = meeting_or_404(request, pk, "meetings.mark_attendance")
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
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Attendance saved (%(count)s changed).") % {"count": changed})
    return redirect(reverse("meetings:detail", args=[pk]) + "#guests")
