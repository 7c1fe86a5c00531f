"""Everything one dashboard page shows, gathered from the widgets."""

from __future__ import annotations

from ..models import CubeState
from .cube import CubeReader
from .filters import Filters
from .recovery import time_to_recovery
from .widgets import (
    actions_summary,
    charter_gaps,
    concerns_by_section,
    highlights,
    meeting_kinds,
    top_themes,
    volume_by_month,
)


def cube_state() -> CubeState | None:
    return CubeState.objects.order_by("pk").first()


def dashboard_context(filters: Filters) -> dict:
    """Everything the dashboard page, its print view and the home section show."""
    reader = CubeReader(filters)
    concerns = concerns_by_section(reader)
    return {
        "state": cube_state(),
        "volume": volume_by_month(reader),
        "concerns": concerns,
        "themes": top_themes(reader),
        "highlights": highlights(filters),
        "kinds": meeting_kinds(filters),
        # The same concerns total as the section widget, so both hide it together.
        "actions": actions_summary(filters, reader, concerns["total"]),
        "charter_gaps": charter_gaps(filters),
        "recovery": time_to_recovery(filters),
    }
