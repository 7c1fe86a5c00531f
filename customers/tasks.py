from celery import shared_task

from .retention import retention_anonymise_inactive_contacts


@shared_task(name="customers.anonymise_inactive_contacts")
def anonymise_inactive_contacts() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): anonymise contacts past the retention period."""
    return len(retention_anonymise_inactive_contacts())
