from celery import shared_task


@shared_task(name="audit.anonymise_inactive_contacts")
def anonymise_inactive_contacts() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): anonymise contacts past the retention period."""
    from .retention import retention_anonymise_inactive_contacts

    return len(retention_anonymise_inactive_contacts())
