"""The executive home section: a few headline figures, suppressed like the dashboard."""

from accounts.models import Role
from anonymity.policy import hidden_note, published_note

from .selectors import CubeReader, Filters, concerns_by_section, cube_state, volume_by_month


def home_sections(*, role: str, user) -> list[dict]:
    if role != Role.EXECUTIVE.value or not user.has_perm("dashboard.view_dashboard"):
        return []
    reader = CubeReader(Filters(), groupings=(("month", "sentiment"), ("kind", "section")))
    volume = volume_by_month(reader)
    concerns = concerns_by_section(reader)
    months = volume["rows"][-3:]
    top_section = max(
        (s for s in concerns["slices"] if not s.hidden and s.value),
        key=lambda s: s.value,
        default=None,
    )
    return [
        {
            "template": "dashboard/_home.html",
            "state": cube_state(),
            "total": volume["total"],
            "concerns": concerns["total"],
            "months": months,
            "top_section": top_section,
            "hidden_note": hidden_note(),
            "published_note": published_note(),
        }
    ]
