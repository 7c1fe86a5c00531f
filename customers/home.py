"""Home page sections from customers: the key customers a leader has not met for a while."""

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
    return [
        {
            "template": "customers/home_not_met.html",
            "organisations": overdue[:SHOWN],
            "more": len(overdue) > SHOWN,
            "months": MONTHS,
            "in_led_regions": bool(region_ids),
        }
    ]
