"""Home page sections: my actions and what is overdue for leaders and facilitators,
open actions across regions for executives."""

from django.utils import timezone

from . import selectors

LIMIT = 5


def home_sections(*, role: str, user) -> list[dict]:
    today = timezone.localdate()
    if role in ("Leader", "Facilitator"):
        mine = selectors.actions_mine(user=user).filter(status__in=selectors.OPEN_STATUSES)
        return [
            {
                "template": "actions/home_my_actions.html",
                "actions": list(mine[:LIMIT]),
                "count": mine.count(),
                "overdue": mine.filter(due_date__lt=today).count(),
                "today": today,
            }
        ]
    if role == "Executive":
        return [
            {
                "template": "actions/home_open_actions.html",
                "rows": selectors.action_counts_by_region(today=today),
                "overdue": list(selectors.actions_overdue(today=today)[:LIMIT]),
                "today": today,
            }
        ]
    return []
