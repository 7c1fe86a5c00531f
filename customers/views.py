from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.csv_export import csv_response
from accounts.models import Role
from accounts.params import param_flag, param_page
from accounts.ratelimits import rate_limit
from audit.models import AuditEntry
from audit.services import audit_record

from . import selectors, services
from .csv_io import too_large_message
from .forms import ContactForm, CustomerFilterForm, EraseForm, ImportUploadForm, OrganisationForm
from .models import Contact, CustomerImport, Organisation
from .rules import contact_scope, contacts_in_scope, led_region_ids

PAGE_SIZE = 25


def _require(request, permission: str, obj=None) -> None:
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def _editable_region_ids(user) -> frozenset[int] | None:
    """None for administrators (every region), else the regions the user leads."""
    return None if user.has_role(Role.ADMINISTRATOR) else led_region_ids(user)


def _filter_form(request) -> CustomerFilterForm:
    return CustomerFilterForm(
        request.GET or None,
        search_contacts=request.user.has_perm("customers.view_contact"),
        contact_scope=contact_scope(request.user),
    )


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


def _organisation_or_404(pk: int) -> Organisation:
    try:
        return selectors.organisation_detail(pk=pk)
    except Organisation.DoesNotExist as exc:
        raise Http404("No such organisation.") from exc


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


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def organisation_create(request):
    _require(request, "customers.add_organisation")
    form = OrganisationForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        organisation = form.save(commit=False)
        try:
            services.organisation_save(
                organisation=organisation, facets=form.cleaned_data["facets"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": organisation.name})
            return redirect("customers:organisation", pk=organisation.pk)
    return render(request, "customers/organisation_form.html", {"form": form, "organisation": None})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def organisation_edit(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    _require(request, "customers.change_organisation", organisation)
    form = OrganisationForm(
        request.POST if request.method == "POST" else None, instance=organisation, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        organisation = form.save(commit=False)
        try:
            services.organisation_save(
                organisation=organisation, facets=form.cleaned_data["facets"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": organisation.name})
            return redirect("customers:organisation", pk=organisation.pk)
    return render(
        request, "customers/organisation_form.html", {"form": form, "organisation": organisation}
    )


def _save_contact(request, form: ContactForm):
    contact = form.save(commit=False)
    if form.cleaned_data["opted_out"] and contact.opted_out_at is None:
        contact.opted_out_at = timezone.now()
    elif not form.cleaned_data["opted_out"]:
        contact.opted_out_at = None
    return services.contact_save(contact=contact)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def contact_create(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    _require(request, "customers.add_contact", organisation)
    contact = Contact(organisation=organisation, language="en")
    form = ContactForm(
        request.POST if request.method == "POST" else None,
        instance=contact,
        organisation=organisation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = _save_contact(request, form)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s was added to %(organisation)s.")
                % {"name": contact.name, "organisation": organisation.name},
            )
            return redirect("customers:organisation", pk=organisation.pk)
    return render(
        request,
        "customers/contact_form.html",
        {"form": form, "organisation": organisation, "contact": None},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def contact_edit(request, pk: int):
    # Customer contacts only: front-line staff are managed from the meetings they attend.
    contact = get_object_or_404(
        Contact.objects.select_related("organisation").filter(organisation__isnull=False), pk=pk
    )
    _require(request, "customers.change_contact", contact)
    if contact.is_erased:
        messages.info(request, _("This contact was erased; there is nothing left to edit."))
        return redirect("customers:organisation", pk=contact.organisation_id)
    form = ContactForm(
        request.POST if request.method == "POST" else None,
        instance=contact,
        organisation=contact.organisation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = _save_contact(request, form)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": contact.name})
            return redirect("customers:organisation", pk=contact.organisation_id)
    return render(
        request,
        "customers/contact_form.html",
        {"form": form, "organisation": contact.organisation, "contact": contact},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def contact_erase(request, pk: int):
    # Customer contacts only: front-line staff are managed from the meetings they attend.
    contact = get_object_or_404(
        Contact.objects.select_related("organisation").filter(organisation__isnull=False), pk=pk
    )
    _require(request, "customers.erase_contact", contact)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.contact_erase(contact=contact)
        messages.success(
            request, _("The contact's name, email and phone were erased. Meeting counts are kept.")
        )
        return redirect("customers:organisation", pk=contact.organisation_id)
    return render(request, "customers/contact_erase.html", {"form": form, "contact": contact})


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


def _declared_size(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@rate_limit("csv_import")
def import_upload(request):
    _require(request, "customers.import_customers")
    if request.method == "POST" and _declared_size(request) > services.max_import_bytes() + 65536:
        # Refuse a body far over the limit before reading it.
        return render(
            request,
            "customers/import_upload.html",
            {
                "form": ImportUploadForm(),
                "max_bytes": services.max_import_bytes(),
                "upload_error": too_large_message(_declared_size(request)),
            },
            status=413,
        )
    form = ImportUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        customer_import = services.customer_import_upload(
            user=request.user, filename=upload.name, content=upload.read()
        )
        return redirect("customers:import_preview", pk=customer_import.pk)
    return render(
        request,
        "customers/import_upload.html",
        {"form": form, "max_bytes": services.max_import_bytes()},
    )


def _pending_import(request, pk: int, *, lock: bool = False) -> CustomerImport:
    queryset = CustomerImport.objects.filter(uploaded_by=request.user, applied_at__isnull=True)
    if lock:  # two clicks on "Import" apply the file once
        queryset = queryset.select_for_update()
    return get_object_or_404(queryset, pk=pk)


@require_safe
@login_required
def import_preview(request, pk: int):
    _require(request, "customers.import_customers")
    customer_import = _pending_import(request, pk)
    plan = services.import_plan(
        content=bytes(customer_import.content),
        editable_region_ids=_editable_region_ids(request.user),
    )
    return render(
        request,
        "customers/import_preview.html",
        {"customer_import": customer_import, "plan": plan},
    )


@require_POST
@login_required
def import_confirm(request, pk: int):
    _require(request, "customers.import_customers")
    customer_import = _pending_import(request, pk, lock=True)
    try:
        plan = services.customer_import_confirm(
            customer_import=customer_import,
            editable_region_ids=_editable_region_ids(request.user),
        )
    except services.ImportRejected as exc:
        return render(
            request,
            "customers/import_preview.html",
            {"customer_import": customer_import, "plan": exc.plan, "rejected": str(exc)},
            status=422,
        )
    if plan.changes:
        messages.success(
            request,
            _(
                "Imported: %(organisations_new)s new and %(organisations_changed)s updated "
                "organisations, %(contacts_new)s new and %(contacts_changed)s updated contacts."
            )
            % {
                "organisations_new": plan.organisations_new,
                "organisations_changed": plan.organisations_changed,
                "contacts_new": plan.contacts_new,
                "contacts_changed": plan.contacts_changed,
            },
        )
    else:
        messages.info(request, _("Everything in the file was already here; nothing changed."))
    return redirect("customers:list")
