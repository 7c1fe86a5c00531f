"""The customer CSV import: upload, preview, confirm."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.ratelimits import rate_limit

from .. import services
from ..csv_io import too_large_message
from ..forms import ImportUploadForm
from ..models import CustomerImport
from .common import _editable_region_ids, _require


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
