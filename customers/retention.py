"""Data retention: contacts nobody has booked or updated for a long time are anonymised.

The erasure itself is the customers app's `contact_erase` service, the same one an
administrator uses on request, so a retention run and a manual erasure leave exactly
the same trace.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record

from .models import Contact
from .services import contact_erase

DAYS_PER_MONTH = 365.25 / 12


def retention_cutoff(*, months: int, now: dt.datetime | None = None) -> dt.datetime:
    now = now or timezone.now()
    return now - dt.timedelta(days=round(months * DAYS_PER_MONTH))


def inactive_contacts(*, months: int, now: dt.datetime | None = None) -> QuerySet[Contact]:
    """Contacts not erased, not updated since the cut-off, and with no booking since then
    (neither booked after it nor booked into a meeting held after it)."""
    cutoff = retention_cutoff(months=months, now=now)
    recent_booking = Q(bookings__created_at__gte=cutoff) | Q(
        bookings__meeting__starts_at__gte=cutoff
    )
    recently_booked = Contact.objects.filter(recent_booking).values("pk")
    return (
        Contact.objects.filter(erased_at__isnull=True, updated_at__lt=cutoff)
        .exclude(pk__in=recently_booked)
        .order_by("pk")
    )


def retention_anonymise_inactive_contacts(
    *, months: int | None = None, now: dt.datetime | None = None, dry_run: bool = False
) -> list[int]:
    """Erase every contact inactive for `months` (default RETENTION_INACTIVE_CONTACT_MONTHS).

    Each contact is erased in its own transaction through `customers.services.contact_erase`,
    so one failure does not undo the others; one audit entry records the run. Returns the
    primary keys of the contacts erased (or that would be, with `dry_run`).
    """
    months = months or settings.RETENTION_INACTIVE_CONTACT_MONTHS
    if months < 1:
        raise ValueError("The retention period must be at least one month.")
    pks = list(inactive_contacts(months=months, now=now).values_list("pk", flat=True))
    if dry_run or not pks:
        return pks
    erased = []
    for pk in pks:
        with transaction.atomic():
            contact = (
                Contact.objects.select_for_update().filter(pk=pk, erased_at__isnull=True).first()
            )
            if contact is None:
                continue
            contact_erase(contact=contact)
            erased.append(pk)
    if erased:
        audit_record(
            actor=None,
            action=AuditEntry.Action.RETENTION,
            target_repr=f"{len(erased)} inactive contact(s)",
            details={"months": months, "contact_ids": erased},
        )
    return erased
