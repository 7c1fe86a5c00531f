"""Dashboard work that never runs inside a page view."""

import logging
import threading
import time

from celery import shared_task
from django.conf import settings

from .aggregates import cube_refresh
from .bulk import vacuum
from .live import meetings_apply
from .models import ThemeItem
from .themes import themes_recompute

logger = logging.getLogger(__name__)


@shared_task(name="dashboard.recompute_themes")
def recompute_themes() -> dict:
    """Recompute themes, then the aggregates that carry them (and the highlights)."""
    result = themes_recompute()
    vacuum(ThemeItem)  # Highlight is vacuumed by the refresh
    state = cube_refresh()
    return {**result, "cube_seconds": state.seconds}


@shared_task(name="dashboard.refresh_aggregates")
def refresh_aggregates() -> float:
    return cube_refresh().seconds


@shared_task(name="dashboard.apply_changes", acks_late=True)
def apply_changes(meeting_ids: list[int]) -> int:
    """Bring the figures up to date for meetings whose feedback or guests changed.

    Idempotent (it recomputes the meetings' cells from the items), so a redelivered or
    late message does no harm."""
    return meetings_apply(meeting_ids=meeting_ids)


_paused_until = 0.0
_pause_lock = threading.Lock()


def apply_changes_soon(meeting_ids: list[int]) -> None:
    """Queue `apply_changes` (run at once by eager Celery); never raises.

    With the broker down the change is not published (one short attempt, then none for
    `DASHBOARD_PUBLISH_PAUSE_SECONDS`, so that captures do not wait for the broker): the
    figures catch up at the next full refresh, as they did before live updates.
    """
    global _paused_until
    if time.monotonic() < _paused_until:
        return
    try:
        apply_changes.apply_async(args=(sorted(set(meeting_ids)),), retry=False)
    except Exception:  # kombu and redis raise many kinds; all mean "not published now"
        with _pause_lock:
            _paused_until = time.monotonic() + getattr(
                settings, "DASHBOARD_PUBLISH_PAUSE_SECONDS", 30
            )
        logger.warning("dashboard: live update of meetings %s not queued", meeting_ids)
