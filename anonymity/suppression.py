"""Small-cell suppression: the one place that decides what a page of figures may show.

The guarantee: no count, chart point, trend, quote or exported row that belongs to fewer
than `min_organisations()` guest organisations can be read from one view, nor derived
by comparing any two views an executive or a leader may request (any months, any
filters, the page, the home section, the board pack, CSV and JSON).

How: every published figure is a sum of *atomic cells* at one fixed grain, and an atomic
cell is published only when the cell itself has enough organisations behind it
(`cell_passes`). The grain holds every dimension a viewer can filter or group by —
feedback: month × region × country × meeting type × meeting kind × agenda section ×
feedback kind × sentiment × journey stage × theme × answered; meetings: month × region ×
country × meeting type × meeting kind × likely kind — and date filters are whole months.
So any view is a sum of whole passing cells, and the difference of two views is too: a
cell that fails is in no view, whatever the filters. Quotes and exported items come only
from passing cells. `dashboard.aggregates.cube_refresh` keeps only passing cells;
meeting-level widgets count only meetings whose cell passes.

Which organisations stand behind a cell, and how many must, is the anonymity policy
(`anonymity.policy`).

Within one view, the widgets also run the older per-view rule below (hide a slice with
too few organisations, and complementary suppression along lines with a total). Over
passing cells it hides nothing; it stays for lists read live (charter gaps in `actions`).

Complementary suppression: a line is a list of cells that add up to a total (the months
of a year, the sentiments of a month). When some cells of a line are hidden and the
total is shown, subtracting the visible cells from the total reveals the sum of the
hidden ones; that sum must itself have at least `min_organisations()` organisations
behind it. Otherwise the smallest visible cells of the line are hidden too and, when
that is not enough, the total is hidden. Lines are re-checked until nothing changes,
so a cell hidden for one line is accounted for in every other line it belongs to.

Usage, for one list of slices and their total::

    result = suppress_slices([Slice("2026-01", 12, frozenset({1, 2, 3})), ...], total)
    for cell in result.slices: cell.hidden, cell.display, cell.note

and for tables (rows and columns with totals), `suppress_lines(cells, lines)`.
Cells come from `slices_from_queryset()` (live, exact) or from the maintained
aggregates in `dashboard.aggregates` — both carry organisation sets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from .policy import (
    Orgs,
    as_orgs,
    cell_passes,
    guest_organisations_by_meeting,
    hidden_note,
    organisations_behind,
)


def sum_passing_cells(cells: dict[tuple, Slice], project) -> dict[tuple, Slice]:
    """Sum the atomic cells that pass into coarser keys (`project(cell key)`).

    Cells that fail are left out altogether, so every sum is made of passing cells
    only, whatever the grouping or the filters that chose the cells.
    """
    result: dict[tuple, Slice] = {}
    for key, cell in cells.items():
        if not cell_passes(cell.organisations):
            continue
        short = project(key)
        total = result.get(short)
        if total is None:
            result[short] = Slice(short, cell.value, Orgs(safe=True))
        else:
            total.value += cell.value
    return result


@dataclass
class Slice:
    """One number (or chart point, cell, theme, quote list) and the organisations behind it.

    `value` is usually a count; `extra` carries anything the page wants alongside it
    (a label, quotes) and is hidden together with the value.
    """

    key: Hashable
    value: int | float | None
    organisations: Orgs | frozenset[int] | set[int] = field(default_factory=frozenset)
    label: str = ""
    extra: dict = field(default_factory=dict)
    hidden: bool = False
    complementary: bool = False

    def __post_init__(self):
        self.organisations = as_orgs(self.organisations)

    @property
    def empty(self) -> bool:
        # Nothing said: a zero reveals nobody, and it does not count as hidden.
        return not self.value

    @property
    def display(self):
        return None if self.hidden else self.value

    @property
    def note(self) -> str:
        return hidden_note() if self.hidden else ""


@dataclass
class SuppressedSlices:
    slices: list[Slice]
    total: Slice | None

    @property
    def visible(self) -> list[Slice]:
        return [s for s in self.slices if not s.hidden]


def is_small(cell: Slice) -> bool:
    return not cell.empty and not cell.organisations.enough


def suppress_slices(
    slices: Sequence[Slice], total: Slice | None = None, *, complement: str = "slices"
) -> SuppressedSlices:
    """Hide every slice with too few organisations, and whatever would let one be derived.

    `total` is the sum of the slices when it is shown next to them (None when not).
    `complement="slices"` first hides more slices (smallest first) so that the hidden
    ones together have enough organisations behind them, then the total if needed;
    `complement="total"` hides the total straight away.
    """
    cells = {("slice", i): s for i, s in enumerate(slices)}
    lines = []
    if total is not None:
        cells[("total",)] = total
        lines.append(Line(cells=[("slice", i) for i in range(len(slices))], total=("total",)))
    suppress_lines(cells, lines, complement=complement)
    return SuppressedSlices(list(slices), total)


@dataclass
class Line:
    """Cells that add up to `total` (a row or a column of a table)."""

    cells: list[Hashable]
    total: Hashable | None = None
    complement: str | None = None  # this line's strategy; None: the call's


def suppress_lines(
    cells: dict[Hashable, Slice], lines: Sequence[Line], *, complement: str = "slices"
) -> dict[Hashable, Slice]:
    """Primary and complementary suppression over a table of cells and its total lines.

    Marks `hidden` on the cells in place and returns them. Guarantees, for every line
    whose total is shown: the hidden cells of that line together have at least the
    threshold of organisations behind them (or there are none).
    """
    for cell in cells.values():
        if is_small(cell):
            cell.hidden = True
    changed = True
    while changed:
        changed = False
        for line in lines:
            if line.total is None or cells[line.total].hidden:
                continue
            members = [cells[k] for k in line.cells]
            hidden = [c for c in members if c.hidden and not c.empty]
            if not hidden or Orgs.union(c.organisations for c in hidden).enough:
                continue
            if (line.complement or complement) == "slices":
                candidates = sorted(
                    (c for c in members if not c.hidden and not c.empty),
                    key=lambda c: c.value or 0,
                )
                for candidate in candidates:
                    candidate.hidden = True
                    candidate.complementary = True
                    hidden.append(candidate)
                    changed = True
                    if Orgs.union(c.organisations for c in hidden).enough:
                        break
                if Orgs.union(c.organisations for c in hidden).enough:
                    continue
            cells[line.total].hidden = True
            cells[line.total].complementary = True
            changed = True
    return cells


def suppress_table(
    cells: dict[tuple[Hashable, Hashable], Slice],
    *,
    row_totals: dict[Hashable, Slice] | None = None,
    column_totals: dict[Hashable, Slice] | None = None,
    grand_total: Slice | None = None,
    complement: str = "slices",
    column_complement: str = "total",
) -> None:
    """Suppression for a two-way table (e.g. month × sentiment) with optional margins.

    Within a row (a month) more cells are hidden to protect a hidden one, so the row's
    total — the chart's column — stays; down a column (all months of one sentiment) the
    column's total is hidden instead, so that protection does not cascade across months.
    """
    everything: dict[Hashable, Slice] = {("cell", k): v for k, v in cells.items()}
    everything.update({("row", r): t for r, t in (row_totals or {}).items()})
    everything.update({("column", c): t for c, t in (column_totals or {}).items()})
    rows = sorted({r for r, _ in cells}, key=str)
    columns = sorted({c for _, c in cells}, key=str)
    lines: list[Line] = []
    for r in rows:
        total_key = None
        if row_totals and r in row_totals:
            total_key = ("row", r)
            everything[total_key] = row_totals[r]
        lines.append(Line([("cell", (r, c)) for c in columns if (r, c) in cells], total_key))
    for c in columns:
        total_key = None
        if column_totals and c in column_totals:
            total_key = ("column", c)
            everything[total_key] = column_totals[c]
        lines.append(
            Line([("cell", (r, c)) for r in rows if (r, c) in cells], total_key, column_complement)
        )
    if grand_total is not None:
        everything[("grand",)] = grand_total
        if row_totals:
            lines.append(Line([("row", r) for r in row_totals], ("grand",)))
        if column_totals:
            lines.append(
                Line([("column", c) for c in column_totals], ("grand",), column_complement)
            )
    suppress_lines(everything, lines, complement=complement)


def slices_from_queryset(
    queryset: QuerySet,
    group_by: Sequence[str],
    *,
    meeting_field: str = "meeting_id",
    value: str = "pk",
) -> dict[tuple, Slice]:
    """Group a queryset (feedback items, meetings …) and attach organisations to each group.

    Two queries whatever the size of the data: counts per (group, meeting), then the
    guest organisations of those meetings. Returns {group values tuple: Slice}.
    """
    rows = queryset.order_by().values(*group_by, meeting_field).annotate(_n=Count(value))
    per_group: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
    meeting_ids = set()
    for row in rows:
        key = tuple(row[g] for g in group_by)
        per_group[key].append((row[meeting_field], row["_n"]))
        meeting_ids.add(row[meeting_field])
    organisations = guest_organisations_by_meeting(meeting_ids)
    slices = {}
    for key, items in per_group.items():
        orgs = organisations_behind((m for m, _ in items), organisations)
        slices[key] = Slice(key=key, value=sum(n for _, n in items), organisations=orgs)
    return slices


# --- Organisations through the maintained meeting signals (fast, refreshed) -------------


def slices_through_signals(
    queryset: QuerySet, group_by: Sequence[str], *, prefix: str
) -> dict[tuple, Slice]:
    """Group a queryset and attach organisations from the meetings' `MeetingSignal`s.

    `prefix` leads from the queryset's model to the signal ("meeting__dashboard_signal__",
    or "" for signals themselves). One query, whatever the size of the data: counts per
    group and per distinct (safe, organisations) of the signals — a safe signal keeps
    no organisations, so the safe ones fall into one row per group and only small
    meetings add rows. A meeting without a signal yet counts as having no organisation.
    """
    rows = (
        queryset.order_by()
        .values_list(*group_by, f"{prefix}safe", f"{prefix}organisations")
        .annotate(_n=Count("pk"))
    )
    return slices_from_signal_rows((tuple(r[:-3]), r[-3], r[-2], r[-1]) for r in rows)


def slices_from_signal_rows(
    rows: Iterable[tuple[tuple, bool | None, list[int] | None, int]],
) -> dict[tuple, Slice]:
    """{key: Slice} from (key, signal safe, signal organisations, count) rows."""
    counts: dict[tuple, int] = defaultdict(int)
    safe: set[tuple] = set()
    unsafe: dict[tuple, set[int]] = defaultdict(set)
    for key, is_safe, organisations, n in rows:
        counts[key] += n
        if is_safe:
            safe.add(key)
        elif organisations:
            unsafe[key].update(organisations)
    return {
        key: Slice(
            key=key,
            value=n,
            organisations=Orgs(frozenset(unsafe.get(key, ())), safe=key in safe),
        )
        for key, n in counts.items()
    }
