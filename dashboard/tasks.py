"""Dashboard work that never runs inside a page view."""

from celery import shared_task

from .aggregates import cube_refresh
from .bulk import vacuum
from .models import ThemeItem
from .themes import themes_recompute


@shared_task(name="dashboard.recompute_themes")
def recompute_themes() -> dict:
    """Recompute themes and highlight lists, then the aggregates that carry them."""
    result = themes_recompute()
    vacuum(ThemeItem)  # Highlight is vacuumed by the refresh
    state = cube_refresh()
    return {**result, "cube_seconds": state.seconds}


@shared_task(name="dashboard.refresh_aggregates")
def refresh_aggregates() -> float:
    return cube_refresh().seconds
