"""The CSV import: applying a plan (`import_plan`) in one transaction, and the uploads
waiting for confirmation."""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Contact, CustomerImport, Organisation
from ..signals import customers_imported
from .import_plan import ImportPlan, import_plan


class ImportRejected(Exception):
    def __init__(self, plan: ImportPlan, message: str = ""):
        self.plan = plan
        super().__init__(message or _("The file has errors; nothing was imported."))


def import_apply(
    *, content: bytes, editable_region_ids: frozenset[int] | None = None
) -> ImportPlan:
    """Import a customer CSV: everything or nothing, in one transaction.

    The file is planned again inside the transaction (the customers may have changed
    since the preview); any error rejects the whole file and writes nothing. Importing
    the same file again changes nothing.
    """
    try:
        with transaction.atomic():
            plan = import_plan(content=content, editable_region_ids=editable_region_ids)
            if not plan.ok:
                raise ImportRejected(plan)
            _write(plan)
    except IntegrityError as exc:
        raise ImportRejected(
            plan,
            _(
                "Someone changed the same customers while this file was being imported; nothing "
                "was imported. Upload the file again to see the new preview."
            ),
        ) from exc
    return plan


def _write(plan: ImportPlan) -> None:
    # Every value was validated by import_plan (lengths, choices, email, phone, time zone,
    # country, references); the database enforces uniqueness. No per-row full_clean here:
    # it would re-validate 10,000 rows field by field for nothing.
    now = timezone.now()
    new_orgs = []
    for entry in plan._organisations.values():
        if entry["changes"] == "new":
            given = entry["given"]
            org = Organisation(
                name=entry["name"],
                tier=given.get("tier", Organisation.Tier.KEY),
                region=given["region"],
                country=given["country"],
                notes=given.get("notes", ""),
                created_at=now,
                updated_at=now,
            )
            entry["existing"] = org
            new_orgs.append(org)
    Organisation.objects.bulk_create(new_orgs, batch_size=500)

    changed_orgs = []
    facet_links = []
    facet_resets = []
    for entry in plan._organisations.values():
        org, given, changes = entry["existing"], entry["given"], entry["changes"]
        if changes != "new":
            for attr in changes:
                if attr != "facets":
                    setattr(org, attr, given[attr])
            if [c for c in changes if c != "facets"]:
                org.updated_at = now
                changed_orgs.append(org)
        if "facets" in given and (changes == "new" or "facets" in changes):
            if changes != "new":
                facet_resets.append(org.pk)
            facet_links.extend(
                Organisation.facets.through(organisation_id=org.pk, facet_id=facet.pk)
                for facet in given["facets"]
            )
    if changed_orgs:
        Organisation.objects.bulk_update(
            changed_orgs, ["tier", "region", "country", "notes", "updated_at"], batch_size=500
        )
    through = Organisation.facets.through
    for start in range(0, len(facet_resets), 500):
        through.objects.filter(organisation_id__in=facet_resets[start : start + 500]).delete()
    through.objects.bulk_create(facet_links, batch_size=1000)

    new_contacts, changed_contacts = [], []
    for entry in plan._contacts.values():
        org = plan._organisations[entry["org_key"]]["existing"]
        if entry["changes"] == "new":
            contact = Contact(
                organisation=org,
                email=entry["email"],
                created_at=now,
                updated_at=now,
                **entry["values"],
            )
            new_contacts.append(contact)
        elif entry["changes"]:
            contact = entry["existing"]
            for attr in entry["changes"]:
                setattr(contact, attr, entry["values"][attr])
            contact.updated_at = now
            changed_contacts.append(contact)
    Contact.objects.bulk_create(new_contacts, batch_size=1000)
    if changed_contacts:
        Contact.objects.bulk_update(
            changed_contacts,
            ["name", "job_title", "phone", "language", "time_zone", "updated_at"],
            batch_size=1000,
        )


def customer_import_upload(*, user, filename: str, content: bytes) -> CustomerImport:
    """Keep an uploaded file until its preview is confirmed; stale uploads are dropped."""
    CustomerImport.objects.filter(
        applied_at__isnull=True, created_at__lt=timezone.now() - dt.timedelta(days=1)
    ).delete()
    return CustomerImport.objects.create(
        uploaded_by=user,
        filename=filename[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def customer_import_confirm(
    *, customer_import: CustomerImport, editable_region_ids: frozenset[int] | None
) -> ImportPlan:
    """Apply a previewed upload once, then wipe its bytes (they may name people).

    Sends `signals.customers_imported` in the same transaction (the audit log's entry)."""
    with transaction.atomic():
        plan = import_apply(
            content=bytes(customer_import.content), editable_region_ids=editable_region_ids
        )
        customer_import.applied_at = timezone.now()
        customer_import.content = b""
        customer_import.summary = plan.summary()
        customer_import.save(update_fields=["applied_at", "content", "summary"])
        customers_imported.send(
            sender=CustomerImport, customer_import=customer_import, summary=plan.summary()
        )
    return plan


def max_import_bytes() -> int:
    return settings.MAX_IMPORT_BYTES
