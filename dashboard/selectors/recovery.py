"""Time to recovery: from a concern to the completion of its "Recover now" action.

Per region and month (the meeting's), the number of concerns recovered and the average
days from the meeting where the concern was heard (the only date an item carries) to the
day its recovery action was completed. Suppressed like every figure on the dashboard
(`anonymity.suppression`): counts and day sums are kept per atomic cell — the meeting
cell of the actions widget (month, region, country, meeting type, meeting kind) — and
only cells with enough organisations behind them are summed (`sum_passing_cells`), so
no view, nor the difference of any two, rests on fewer organisations than the threshold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format

from actions.models import Action
from anonymity.suppression import Slice, slices_from_signal_rows, sum_passing_cells
from customers.models import Region

from .filters import Filters, signal_q

RECOVERY_CELL = ("month", "region_id", "country", "meeting_type", "kind")
_SIGNAL = "meeting__dashboard_signal__"


@dataclass(frozen=True)
class RecoveryRow:
    region: str
    month: dt.date
    month_label: str
    recovered: Slice  # concerns recovered (published cells only)
    average_days: float | None


def time_to_recovery(filters: Filters) -> dict:
    """Rows per region and month of recovered concerns and the average days to recovery.
    Two queries (the completed recovery actions per cell, the regions' names)."""
    rows = list(
        Action.objects.filter(
            signal_q(filters, _SIGNAL),
            recover_now=True,
            status=Action.Status.DONE,
            completed_on__isnull=False,
            feedback_item__isnull=False,
        )
        .order_by()
        .values_list(
            *(f"{_SIGNAL}{f}" for f in RECOVERY_CELL),
            f"{_SIGNAL}safe",
            f"{_SIGNAL}organisations",
            "completed_on",
            "feedback_item__meeting_date",
        )
    )
    width = len(RECOVERY_CELL)
    counts = slices_from_signal_rows((tuple(r[:width]), r[width], r[width + 1], 1) for r in rows)
    days = slices_from_signal_rows(
        (tuple(r[:width]), r[width], r[width + 1], max(0, (r[-2] - r[-1]).days)) for r in rows
    )

    def by_region_month(key: tuple) -> tuple:
        return (key[1], key[0])

    recovered = sum_passing_cells(counts, by_region_month)
    day_sums = sum_passing_cells(days, by_region_month)
    names = dict(Region.objects.filter(pk__in={k[0] for k in recovered}).values_list("pk", "name"))
    result = []
    for key in sorted(recovered, key=lambda k: (names.get(k[0], ""), k[1])):
        count = recovered[key]
        total_days = day_sums[key].value
        result.append(
            RecoveryRow(
                region=names.get(key[0], ""),
                month=key[1],
                month_label=date_format(key[1], "M Y"),
                recovered=count,
                average_days=round(total_days / count.value, 1) if count.value else None,
            )
        )
    return {"rows": result}
