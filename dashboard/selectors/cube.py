"""Reading the maintained cube: the slices each widget asks for, summed from passing cells."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q, Sum

from anonymity.policy import Orgs
from anonymity.suppression import (
    Slice,
)

from .filters import Filters, cube_rows

# The finest grouping any cube widget needs, and the groupings the widgets read: by
# month and sentiment (volume), by kind and section (concerns), by theme and month
# (themes). Each widget's `slices()` asks for one of these.
CUBE_GRAIN = ("month", "section", "kind", "sentiment", "theme_id", "answered")
DASHBOARD_GROUPINGS = (
    ("month", "sentiment"),
    ("kind", "section"),
    ("month", "theme_id"),
    ("kind", "answered"),
)


@dataclass
class CubeReader:
    """Sums aggregate rows (passing atomic cells only) per group.

    One query however many widgets ask: the rows behind the filters summed for every
    grouping in `groupings` at once (PostgreSQL GROUPING SETS; elsewhere summed at
    CUBE_GRAIN and rolled up here).
    """

    filters: Filters
    groupings: tuple[tuple[str, ...], ...] = DASHBOARD_GROUPINGS
    _groups: dict[frozenset, list[tuple]] | None = field(default=None, repr=False)

    def __post_init__(self):
        # The fields go into SQL by name: only ever the cube's own.
        for grouping in self.groupings:
            if not set(grouping) <= set(CUBE_GRAIN):
                raise ValueError(f"cube groupings are made of {CUBE_GRAIN}, not {grouping}")

    def grouped(self) -> dict[frozenset, list[tuple]]:
        """{grouping (as a set of fields): [(values in CUBE_GRAIN order, total, safe rows)]}."""
        if self._groups is None:
            if connection.vendor == "postgresql":
                self._groups = self._grouping_sets()
            else:
                self._groups = self._rolled_up_grain()
        return self._groups

    def _grouping_sets(self) -> dict[frozenset, list[tuple]]:
        # One pass over the rows, one hash table per grouping: a few hundred rows back.
        fields = [f for f in CUBE_GRAIN if any(f in g for g in self.groupings)]
        sql, params = cube_rows(self.filters).values(*fields, "n", "safe").query.sql_with_params()
        columns = ", ".join(fields)
        sets = ", ".join(f"({', '.join(g)})" for g in self.groupings)
        masks = {}
        for grouping in self.groupings:
            # GROUPING() sets the bit of each field a row is not grouped by, first highest.
            mask = sum(
                1 << (len(fields) - 1 - i) for i, f in enumerate(fields) if f not in grouping
            )
            masks[mask] = frozenset(grouping)
        # Field names checked in __post_init__; every value is a parameter.
        query = (
            f"SELECT {columns}, GROUPING({columns}), SUM(n), COUNT(*) FILTER (WHERE safe) "  # noqa: S608
            f"FROM ({sql}) AS cube_rows GROUP BY GROUPING SETS ({sets})"
        )
        result: dict[frozenset, list[tuple]] = {g: [] for g in masks.values()}
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            for *values, mask, total, safe_rows in cursor.fetchall():
                by_field = dict(zip(fields, values, strict=True))
                key = tuple(by_field.get(f) for f in CUBE_GRAIN)
                result[masks[mask]].append((key, int(total or 0), safe_rows))
        return result

    def _rolled_up_grain(self) -> dict[frozenset, list[tuple]]:
        rows = (
            cube_rows(self.filters)
            .values_list(*CUBE_GRAIN)
            .annotate(total=Sum("n"), safe_rows=Count("id", filter=Q(safe=True)))
        )
        sums: dict[frozenset, dict[tuple, list[int]]] = {frozenset(g): {} for g in self.groupings}
        keep = {g: tuple(i if f in g else None for i, f in enumerate(CUBE_GRAIN)) for g in sums}
        for *values, total, safe_rows in rows:
            for grouping, positions in keep.items():
                key = tuple(None if i is None else values[i] for i in positions)
                cell = sums[grouping].setdefault(key, [0, 0])
                cell[0] += total or 0
                cell[1] += safe_rows
        return {
            g: [(key, total, safe_rows) for key, (total, safe_rows) in cells.items()]
            for g, cells in sums.items()
        }

    def slices(
        self, group_by: tuple[str, ...], *, where: dict[str, object] | None = None
    ) -> dict[tuple, Slice]:
        """{group values: Slice} over the rows whose fields equal `where`'s.

        `group_by` and `where` together must name one of the reader's `groupings`.
        Every aggregate row is a passing atomic cell (anonymity.suppression), so every
        sum is published as it is.
        """
        where = where or {}
        grouping = frozenset(group_by) | frozenset(where)
        groups = self.grouped().get(grouping)
        if groups is None:
            raise ValueError(
                f"this reader sums {self.groupings}, not {sorted(grouping)}: "
                "pass the grouping to CubeReader(groupings=...)"
            )
        position = {f: i for i, f in enumerate(CUBE_GRAIN)}
        keys = [position[g] for g in group_by]
        conditions = [(position[k], v) for k, v in where.items()]
        result = {}
        for values, total, safe_rows in groups:
            if all(values[i] == v for i, v in conditions):
                key = tuple(values[i] for i in keys)
                result[key] = Slice(key=key, value=total, organisations=Orgs(safe=safe_rows > 0))
        return result
