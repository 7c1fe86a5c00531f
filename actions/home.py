"""Home page sections: my actions and what is overdue for leaders and facilitators,
open actions across regions for executives."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import selectors

LIMIT = 5


def _overdue_now(overdue: int) -> list[dict]:
    if not overdue:
        return []
    label = ngettext("overdue action", "overdue actions", overdue)
    href = reverse("actions:overdue")
    return [{"value": overdue, "label": label, "href": href, "urgent": True, "order": 30}]


def home_sections(*, role: str, user) -> list[dict]:
    today = timezone.localdate()
    if role in ("Leader", "Facilitator"):
        mine = selectors.actions_mine(user=user).filter(status__in=selectors.OPEN_STATUSES)
        overdue = mine.filter(due_date__lt=today).count()
        return [
            {
                "template": "actions/home_my_actions.html",
                "actions": list(mine[:LIMIT]),
                "count": mine.count(),
                "overdue": overdue,
                "today": today,
                "now": _overdue_now(overdue),
                "anchor": "home-actions-heading",
                "title": _("My actions"),
            }
        ]
    if role == "Executive":
        rows = selectors.action_counts_by_region(today=today)
        return [
            {
                "template": "actions/home_open_actions.html",
                "rows": rows,
                "overdue": list(selectors.actions_overdue(today=today)[:LIMIT]),
                "today": today,
                "now": _overdue_now(sum(row["overdue"] for row in rows)),
                "anchor": "home-open-actions-heading",
                "title": _("Open actions"),
            }
        ]
    return []
