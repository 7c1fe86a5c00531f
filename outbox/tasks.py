from datetime import datetime

from celery import shared_task

from .delivery import outbox_deliver, outbox_deliver_batch
from .handover import hand_over, outbox_dispatch_due


@shared_task(
    bind=True,
    name="outbox.send_batch",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def send_batch_task(self, mail_ids: list[int], lease: str) -> dict:
    """Send a batch of outbox mails over one SMTP connection. Safe to run any number of
    times, and a stale message (its mails handed over again since) sends nothing: see
    `outbox.delivery` and `outbox.handover`. Mails to try again later are handed over
    again as one batch, due after the backoff (well under the visibility timeout)."""
    result = outbox_deliver_batch(mail_ids=mail_ids, lease=datetime.fromisoformat(lease))
    if result.retry_ids and not self.request.is_eager:
        # Eager (development) runs leave the rows queued with their due time for the
        # in-process poller.
        hand_over(mail_ids=result.retry_ids, countdown=result.retry_in)
    outcomes = {}
    for delivery in result.outcomes.values():
        outcomes[delivery.outcome] = outcomes.get(delivery.outcome, 0) + 1
    return outcomes


@shared_task(
    name="outbox.send_mail", acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def send_mail_task(mail_id: int) -> str:
    """One mail, whatever its lease (messages published before batches existed)."""
    return outbox_deliver(mail_id=mail_id).outcome


@shared_task(name="outbox.dispatch_due", ignore_result=True)
def dispatch_due_task() -> int:
    """Beat: send scheduled mail that is due and pick up mail whose batch was lost."""
    return outbox_dispatch_due()
