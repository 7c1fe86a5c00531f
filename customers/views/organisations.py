"""The customer list, its CSV export, an organisation's page, creating and editing one,
and who to invite next."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.csv_export import csv_response
from accounts.params import param_flag, param_page
from audit.models import AuditEntry
from audit.services import audit_record

from .. import selectors, services
from ..forms import OrganisationForm
from ..models import Contact, Organisation
from ..rules import contact_scope, contacts_in_scope, led_region_ids
from .common import PAGE_SIZE, _filter_form, _organisation_or_404, _require


@require_safe
@login_required
def customer_list(request):
    _require(request, "customers.view_organisation")
    form = _filter_form(request)
    queryset = selectors.organisation_list(filters=form.filters())
    page = Paginator(queryset, PAGE_SIZE).get_page(param_page(request.GET))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page,
        "organisations": page.object_list,
        "query": query.urlencode(),
        "filtered": any(value for key, value in request.GET.items() if key not in ("page", "sort")),
        "filters_open": any(
            value for key, value in request.GET.items() if key not in ("page", "q")
        ),
    }
    template = "customers/list.html#results" if request.htmx else "customers/list.html"
    return render(request, template, context)


@require_safe
@login_required
def customer_export(request):
    """The customer list as filtered on the page, as CSV that is safe to open in Excel."""
    _require(request, "customers.export_customers")
    form = _filter_form(request)
    organisations = selectors.organisation_list(filters=form.filters())
    with_contacts = request.user.has_perm("customers.view_contact")
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.EXPORT,
        target_repr="Customers CSV",
        details={"with_contacts": with_contacts, "filters": request.GET.urlencode()[:200]},
    )
    header = ["organisation", "tier", "region", "country", "facets", "notes"]
    if with_contacts:
        header += ["contact name", "email", "job title", "phone", "language", "time zone"]
        # Only the contacts whose details the user may see (customers/rules.py).
        visible = contacts_in_scope(Contact.objects.order_by("pk"), request.user)
        organisations = organisations.prefetch_related(Prefetch("contacts", queryset=visible))
    header += ["last met", "times met"]
    if not with_contacts:
        header.remove("notes")

    def rows():
        for org in organisations:
            base = [
                org.name,
                org.tier,
                org.region.name,
                str(org.country),
                "; ".join(facet.name for facet in org.facets.all()),
            ]
            if with_contacts:
                base.append(org.notes)
            tail = [
                timezone.localtime(org.last_met).date().isoformat() if org.last_met else "",
                org.times_met,
            ]
            contacts = [c for c in org.contacts.all() if not c.is_erased] if with_contacts else []
            if not contacts:
                yield base + ([""] * 6 if with_contacts else []) + tail
            for c in contacts:
                yield base + [c.name, c.email, c.job_title, c.phone, c.language, c.time_zone] + tail

    return csv_response(f"customers-{timezone.localdate().isoformat()}.csv", header, rows())


@require_safe
@login_required
def organisation_detail(request, pk: int):
    _require(request, "customers.view_organisation")
    organisation = _organisation_or_404(pk)
    show_contacts = request.user.has_perm("customers.view_contact")
    # Contact details within the user's scope (customers/rules.py); the rest are counted.
    contacts = list(
        selectors.organisation_contacts(
            organisation=organisation, scope=contact_scope(request.user)
        )
    )
    named = {c.pk for c in contacts} if show_contacts else set()
    context = {
        "organisation": organisation,
        "show_contacts": show_contacts,
        "contacts": contacts,
        "other_contacts": organisation.contacts_count - sum(1 for c in contacts if not c.is_erased),
        "history": selectors.organisation_meeting_history(organisation=organisation, named=named),
        "can_edit": request.user.has_perm("customers.change_organisation", organisation),
    }
    return render(request, "customers/organisation_detail.html", context)


def _saved_organisation(form: OrganisationForm) -> Organisation | None:
    """The organisation of a valid form, saved through the service; None when the form is
    invalid or the service refuses it (its error is then on the form)."""
    if not form.is_valid():
        return None
    organisation = form.save(commit=False)
    try:
        services.organisation_save(organisation=organisation, facets=form.cleaned_data["facets"])
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    return organisation


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def organisation_create(request):
    _require(request, "customers.add_organisation")
    form = OrganisationForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and (saved := _saved_organisation(form)):
        messages.success(request, _("%(name)s was added.") % {"name": saved.name})
        return redirect("customers:organisation", pk=saved.pk)
    return render(request, "customers/organisation_form.html", {"form": form, "organisation": None})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def organisation_edit(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    _require(request, "customers.change_organisation", organisation)
    form = OrganisationForm(
        request.POST if request.method == "POST" else None, instance=organisation, user=request.user
    )
    if request.method == "POST" and (saved := _saved_organisation(form)):
        messages.success(request, _("%(name)s was saved.") % {"name": saved.name})
        return redirect("customers:organisation", pk=saved.pk)
    return render(
        request, "customers/organisation_form.html", {"form": form, "organisation": organisation}
    )


@require_safe
@login_required
def invite_next(request):
    _require(request, "customers.view_organisation")
    led = led_region_ids(request.user)
    show_all = param_flag(request.GET, "regions", "all") or not led
    region_ids = None if show_all else sorted(led)
    now = timezone.now()
    since = selectors.months_ago(now, 3)
    facets, coverage = selectors.facet_coverage(since=since, until=now, region_ids=region_ids)
    regions = selectors.invite_next(
        region_ids=region_ids, contact_scope=contact_scope(request.user)
    )
    context = {
        "regions": regions,
        "facets": facets,
        "coverage": coverage,
        "since": since,
        "show_all": show_all,
        "leads_regions": bool(led),
        "show_contacts": request.user.has_perm("customers.view_contact"),
        "bookable_region_ids": {
            entry.region.pk
            for entry in regions
            if request.user.has_perm("customers.book_contact", entry.region)
        },
    }
    return render(request, "customers/invite_next.html", context)
