"""Themes tied to charter measures, and whether each theme is growing.

A leader ties a theme to a measure of their region's charter. A theme *grows* when more
feedback items fell into it in the last WINDOW_MONTHS whole months than in the
WINDOW_MONTHS before. A growing theme on a measure that stays green is one way "we may
be measuring the wrong things": the charter page (actions) names it, through
`measure_themes`, which actions finds by this module's name (as the meeting page finds
`meeting_panels`), so actions never imports the dashboard.

The counts are the dashboard's own: sums of passing atomic cells of the maintained cube
(anonymity.suppression), narrowed to the charter's region. A theme heard from too few
organisations has no passing cells and counts nothing, so no figure here, and no
difference between two of them, is behind fewer organisations than the rule allows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from feedback.redaction import register_redactor

from .models import MeasureTheme, Theme
from .selectors.cube import CubeReader
from .selectors.filters import Filters

WINDOW_MONTHS = 3


@dataclass
class ThemeTrend:
    link_id: int
    name: str
    recent: int  # items in the last WINDOW_MONTHS whole months (passing cells only)
    earlier: int  # items in the WINDOW_MONTHS before
    grows: bool
    window: int = WINDOW_MONTHS


def _month_shift(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def windows(today: dt.date | None = None) -> tuple[list[dt.date], list[dt.date]]:
    """(earlier months, recent months): whole months only, the current one left out."""
    this_month = (today or timezone.localdate()).replace(day=1)
    recent = [_month_shift(this_month, -n) for n in range(WINDOW_MONTHS, 0, -1)]
    earlier = [_month_shift(recent[0], -n) for n in range(WINDOW_MONTHS, 0, -1)]
    return earlier, recent


def _finals(keys: set[str]) -> dict[str, Theme]:
    """The theme each key names now, a merge followed to its target."""
    themes = Theme.objects.filter(key__in=sorted(keys)).select_related("merged_into")
    return {theme.key: theme.final() for theme in themes}


def theme_trends(
    links: list[MeasureTheme], *, region_id: int | None, today: dt.date | None = None
) -> dict[int, ThemeTrend]:
    """{link id: ThemeTrend} over the region's passing cells (every region: None)."""
    if not links:
        return {}
    finals = _finals({link.theme_key for link in links})
    earlier, recent = windows(today)
    reader = CubeReader(
        Filters(
            regions=None if region_id is None else [region_id],
            month_from=earlier[0],
            month_to=recent[-1],
        ),
        groupings=(("month", "theme_id"),),
    )
    cells = reader.slices(("theme_id", "month"))
    result = {}
    for link in links:
        theme = finals.get(link.theme_key)
        counts = dict.fromkeys(earlier + recent, 0)
        if theme is not None:
            for (theme_id, month), cell in cells.items():
                if theme_id == theme.pk and month in counts:
                    counts[month] += cell.value or 0
        recent_n = sum(counts[m] for m in recent)
        earlier_n = sum(counts[m] for m in earlier)
        result[link.pk] = ThemeTrend(
            link_id=link.pk,
            name=theme.name if theme is not None else link.theme_name,
            recent=recent_n,
            earlier=earlier_n,
            grows=recent_n > earlier_n,
        )
    return result


def measure_themes(*, charter) -> dict[int, list[ThemeTrend]]:
    """{measure id: its themes' trends} for a charter's measures (the actions hook)."""
    links = list(MeasureTheme.objects.filter(measure__charter=charter))
    trends = theme_trends(links, region_id=charter.region_id)
    by_measure: dict[int, list[ThemeTrend]] = {}
    for link in links:
        by_measure.setdefault(link.measure_id, []).append(trends[link.pk])
    return by_measure


@transaction.atomic
def measure_theme_link(*, measure, theme: Theme, by) -> tuple[MeasureTheme, bool]:
    """Tie `theme` (by its stable key) to `measure`; tying it again changes nothing.

    The name kept for the time the theme has no items is stored redacted (the one
    redactor), like every free text."""
    return MeasureTheme.objects.get_or_create(
        measure=measure,
        theme_key=theme.key,
        defaults={"theme_name": register_redactor().redact(theme.name), "linked_by": by},
    )


def measure_theme_unlink(*, link: MeasureTheme) -> None:
    link.delete()
