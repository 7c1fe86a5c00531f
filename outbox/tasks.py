from celery import shared_task

from .services import outbox_deliver, outbox_dispatch_due


@shared_task(
    bind=True,
    name="outbox.send_mail",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
    ignore_result=True,
)
def send_mail_task(self, mail_id: int) -> str:
    """Send one outbox mail. Safe to run any number of times: see `outbox_deliver`."""
    result = outbox_deliver(mail_id=mail_id)
    if result.retry_in is not None and not self.request.is_eager:
        # Eager (development) runs leave the row queued with its due time; the poller
        # or the outbox page's retry picks it up.
        raise self.retry(countdown=result.retry_in)
    return result.outcome


@shared_task(name="outbox.dispatch_due", ignore_result=True)
def dispatch_due_task() -> int:
    """Beat: send scheduled mail that is due and pick up mail whose task was lost."""
    return outbox_dispatch_due()
