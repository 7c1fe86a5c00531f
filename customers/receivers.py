"""The audit log's entries for erasures and imports, wherever they are made from.

`customers` sits above `audit` (it calls `audit.services.audit_record`), so it records
its own events; the signals are those other apps listen to as well (`signals.py`).
"""

from django.dispatch import receiver

from audit.context import current_user
from audit.models import AuditEntry
from audit.services import audit_record

from .signals import contact_erased, customers_imported


@receiver(contact_erased, dispatch_uid="audit_contact_erased")
def audit_contact_erasure(sender, contact, **kwargs):
    """Every erasure, by hand or by the retention run; the erased name is not recorded."""
    audit_record(
        action=AuditEntry.Action.ERASURE,
        target_repr=f"contact #{contact.pk} of {contact.affiliation}",
    )


@receiver(customers_imported, dispatch_uid="audit_customers_imported")
def audit_customer_import(sender, customer_import, summary, **kwargs):
    """Every applied CSV import: the file's name and the counts, never its rows."""
    audit_record(
        # Whoever confirms it (the request's user), else the uploader (a shell, a task).
        actor=current_user() or customer_import.uploaded_by,
        action=AuditEntry.Action.IMPORT,
        target_repr=f"customers from {customer_import.filename}",
        details=summary,
    )
