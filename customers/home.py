"""Home page sections from customers: the key customers a leader has not met for a while."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role

from .rules import led_region_ids
from .selectors import key_customers_not_met

SHOWN = 5
MONTHS = 6


def home_sections(*, role: str, user) -> list[dict]:
    if role not in (Role.LEADER.value, Role.ADMINISTRATOR.value):
        return []
    led = led_region_ids(user)
    region_ids = sorted(led) if role == Role.LEADER.value and led else None
    overdue = list(key_customers_not_met(months=MONTHS, region_ids=region_ids)[: SHOWN + 1])
    count = min(len(overdue), SHOWN)
    label = ngettext(
        "key customer not met for %(months)s+ months",
        "key customers not met for %(months)s+ months",
        count,
    ) % {"months": MONTHS}
    value = f"{SHOWN}+" if len(overdue) > SHOWN else count
    now = [{"value": value, "label": label, "href": "#not-met-heading", "order": 50}]
    return [
        {
            "template": "customers/home_not_met.html",
            "organisations": overdue[:SHOWN],
            "more": len(overdue) > SHOWN,
            "months": MONTHS,
            "in_led_regions": bool(region_ids),
            "now": now if overdue else [],
            "anchor": "not-met-heading",
            "title": _("Key customers not met for %(months)s+ months") % {"months": MONTHS},
        }
    ]
