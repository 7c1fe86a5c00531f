from django.db.models import QuerySet

from .models import AuditEntry


def audit_entry_list(*, action: str = "") -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.all()
    if action:
        entries = entries.filter(action=action)
    return entries
