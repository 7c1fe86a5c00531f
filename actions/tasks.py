from celery import shared_task

from . import services


@shared_task(name="actions.remind_overdue")
def remind_overdue() -> int:
    """Beat task: queue overdue reminders (once per action and due date)."""
    return services.actions_remind_overdue()
