"""Reads for the executive dashboard: every widget, already suppressed.

Each widget function returns plain data whose numbers are `Slice`s that went through
`anonymity.suppression`; templates, CSV and JSON only ever print `slice.display`
(None when hidden) and `slice.note`. Feedback numbers come from the maintained
`FeedbackCube` and its roll-ups; quotes, meetings and actions from small live queries.
The number of queries is fixed: it does not grow with the data.
"""

from .cube import CUBE_GRAIN, DASHBOARD_GROUPINGS, CubeReader
from .filters import (
    MEETING_KINDS,
    ROLLED_UP_FILTERS,
    SENTIMENTS,
    Filters,
    cube_rows,
    item_q,
    month_end,
    regions_for,
    signal_q,
)
from .page import cube_state, dashboard_context
from .recovery import RECOVERY_CELL, time_to_recovery
from .widgets import (
    ACTION_CELL,
    CHARTERS_SHOWN,
    GAPS_PER_CHARTER,
    HIGHLIGHTS_PER_LIST,
    QUOTES_PER_THEME,
    TOP_THEMES,
    TREND_MONTHS,
    actions_summary,
    charter_gaps,
    concerns_by_section,
    highlights,
    meeting_flags,
    meeting_kinds,
    theme_quotes,
    top_themes,
    volume_by_month,
)

__all__ = [
    "ACTION_CELL",
    "CHARTERS_SHOWN",
    "CUBE_GRAIN",
    "CubeReader",
    "DASHBOARD_GROUPINGS",
    "Filters",
    "GAPS_PER_CHARTER",
    "HIGHLIGHTS_PER_LIST",
    "MEETING_KINDS",
    "QUOTES_PER_THEME",
    "RECOVERY_CELL",
    "ROLLED_UP_FILTERS",
    "SENTIMENTS",
    "TOP_THEMES",
    "TREND_MONTHS",
    "actions_summary",
    "charter_gaps",
    "concerns_by_section",
    "cube_rows",
    "cube_state",
    "dashboard_context",
    "highlights",
    "item_q",
    "meeting_flags",
    "meeting_kinds",
    "month_end",
    "time_to_recovery",
    "regions_for",
    "signal_q",
    "theme_quotes",
    "top_themes",
    "volume_by_month",
]
