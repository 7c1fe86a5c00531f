"""Reads for the executive dashboard: every widget, already suppressed.

Each widget function returns plain data whose numbers are `Slice`s that went through
`anonymity.suppression`; templates, CSV and JSON only ever print `slice.display`
(None when hidden) and `slice.note`. Feedback numbers come from the maintained
`FeedbackCube` and its roll-ups; quotes, meetings and actions from small live queries.
The number of queries is fixed: it does not grow with the data.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.formats import date_format

from accounts.rules import is_administrator, is_executive
from actions.models import Action, Charter
from actions.selectors import missing_from_charter
from anonymity.policy import Orgs
from anonymity.suppression import (
    Slice,
    slices_from_signal_rows,
    slices_through_signals,
    sum_passing_cells,
    suppress_slices,
    suppress_table,
)
from customers.models import Region
from feedback.models import FeedbackItem
from meetings.models import Meeting, Section

from .models import (
    CubeState,
    FeedbackByDimension,
    FeedbackCube,
    FeedbackMonthly,
    Highlight,
    MeetingSignal,
    Theme,
    ThemeItem,
)

SENTIMENTS = list(FeedbackItem.Sentiment.choices)
MEETING_KINDS = list(Meeting.Kind.choices)


@dataclass
class Filters:
    """What the dashboard is narrowed to; `regions` is never wider than the viewer may see."""

    regions: list[int] | None = None  # None: every region
    month_from: dt.date | None = None
    month_to: dt.date | None = None
    country: str = ""
    meeting_type: str = ""
    meeting_kind: str = ""
    section: str = ""
    stage: int | None = None
    kind: str = ""
    sentiment: str = ""


def regions_for(user) -> list[int] | None:
    """The regions a user may see on the dashboard: None for all, else a list of ids."""

    if is_executive(user) or is_administrator(user):
        return None
    return list(Region.objects.filter(leaders=user).values_list("id", flat=True))


def month_end(month: dt.date) -> dt.date:
    nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


# --- Filtering each source -------------------------------------------------------------


# The filters that narrow feedback through its meeting or its journey stage, each with
# its own roll-up (dashboard.models.FeedbackByDimension) and its column in the cube.
ROLLED_UP_FILTERS = (
    (FeedbackByDimension.Dimension.COUNTRY, "country", "country"),
    (FeedbackByDimension.Dimension.MEETING_TYPE, "meeting_type", "meeting_type"),
    (FeedbackByDimension.Dimension.MEETING_KIND, "meeting_kind", "meeting_kind"),
    (FeedbackByDimension.Dimension.STAGE, "stage", "stage_id"),
)


def cube_rows(filters: Filters, queryset: QuerySet | None = None) -> QuerySet:
    """The aggregate rows behind the filters, from the smallest table that has them.

    No filter on country, meeting type, meeting kind or journey stage: the monthly
    roll-up. Exactly one of them: that dimension's roll-up, a few thousand rows. Two or
    more: the full cube. `queryset` (a model with every cube dimension, such as
    Highlight) is narrowed the same way.
    """
    rolled = [(d, column, getattr(filters, name)) for d, name, column in ROLLED_UP_FILTERS]
    rolled = [(d, column, value) for d, column, value in rolled if value]
    if queryset is not None:
        qs = queryset
    elif not rolled:
        qs = FeedbackMonthly.objects.order_by()
    elif len(rolled) == 1:
        dimension, _, value = rolled[0]
        qs = FeedbackByDimension.objects.order_by().filter(dimension=dimension, value=str(value))
        rolled = []
    else:
        qs = FeedbackCube.objects.order_by()
    for _, column, value in rolled:
        qs = qs.filter(**{column: value})
    if filters.regions is not None:
        qs = qs.filter(region_id__in=filters.regions)
    if filters.month_from:
        qs = qs.filter(month__gte=filters.month_from)
    if filters.month_to:
        qs = qs.filter(month__lte=filters.month_to)
    for name, value in (
        ("section", filters.section),
        ("kind", filters.kind),
        ("sentiment", filters.sentiment),
    ):
        if value:
            qs = qs.filter(**{name: value})
    return qs


def signal_q(filters: Filters, prefix: str = "") -> Q:
    """Meeting-level filters on dashboard.MeetingSignal (no join to meetings needed)."""
    q = Q()
    if filters.regions is not None:
        q &= Q(**{f"{prefix}region_id__in": filters.regions})
    if filters.month_from:
        q &= Q(**{f"{prefix}month__gte": filters.month_from})
    if filters.month_to:
        q &= Q(**{f"{prefix}month__lte": filters.month_to})
    for name, value in (
        ("country", filters.country),
        ("meeting_type", filters.meeting_type),
        ("kind", filters.meeting_kind),
    ):
        if value:
            q &= Q(**{f"{prefix}{name}": value})
    return q


def item_q(filters: Filters, prefix: str = "") -> Q:
    """The same filters on feedback items (months by the meeting's date)."""
    q = Q()
    if filters.regions is not None:
        q &= Q(**{f"{prefix}meeting__region_id__in": filters.regions})
    if filters.month_from:
        q &= Q(**{f"{prefix}meeting_date__gte": filters.month_from})
    if filters.month_to:
        q &= Q(**{f"{prefix}meeting_date__lte": month_end(filters.month_to)})
    for lookup, value in (
        ("meeting__country", filters.country),
        ("meeting__type", filters.meeting_type),
        ("meeting__kind", filters.meeting_kind),
        ("section", filters.section),
        ("kind", filters.kind),
        ("sentiment", filters.sentiment),
    ):
        if value:
            q &= Q(**{f"{prefix}{lookup}": value})
    if filters.stage:
        q &= Q(**{f"{prefix}stage_id": filters.stage})
    return q


# --- Cube slices -------------------------------------------------------------------------


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


# --- Widgets ---------------------------------------------------------------------------


def _month_label(month: dt.date) -> str:
    return date_format(month, "M Y")


def volume_by_month(reader: CubeReader) -> dict:
    """Feedback per month, split by sentiment, with month, sentiment and grand totals."""
    cells = reader.slices(("month", "sentiment"))
    months = sorted({m for m, _ in cells})
    for m in months:
        for s, _ in SENTIMENTS:
            cells.setdefault((m, s), Slice((m, s), 0, frozenset()))
    row_totals = {
        m: Slice(m, sum(cells[(m, s)].value for s, _ in SENTIMENTS), _union(cells, m, 0))
        for m in months
    }
    column_totals = {
        s: Slice(s, sum(cells[(m, s)].value for m in months), _union(cells, s, 1))
        for s, _ in SENTIMENTS
    }
    grand = Slice(
        "all",
        sum(t.value for t in row_totals.values()),
        Orgs.union(t.organisations for t in row_totals.values()),
    )
    suppress_table(cells, row_totals=row_totals, column_totals=column_totals, grand_total=grand)
    rows = [
        {
            "month": m,
            "label": _month_label(m),
            "total": row_totals[m],
            "cells": [cells[(m, s)] for s, _ in SENTIMENTS],
        }
        for m in months
    ]
    return {
        "rows": rows,
        "sentiments": SENTIMENTS,
        "column_totals": [column_totals[s] for s, _ in SENTIMENTS],
        "total": grand,
    }


def _union(cells: dict, value, position: int) -> Orgs:
    return Orgs.union(c.organisations for k, c in cells.items() if k[position] == value)


def concerns_by_section(reader: CubeReader) -> dict:
    groups = reader.slices(("section",), where={"kind": FeedbackItem.Kind.CONCERN})
    slices = [groups.get((value,), Slice((value,), 0, frozenset())) for value in Section.values]
    for s, (_, label) in zip(slices, Section.choices, strict=True):
        s.label = label
    total = Slice("all", sum(s.value for s in slices), Orgs.union(s.organisations for s in slices))
    suppress_slices(slices, total)
    return {"slices": slices, "total": total}


TOP_THEMES = 8
TREND_MONTHS = 6
QUOTES_PER_THEME = 3


def top_themes(reader: CubeReader) -> dict:
    """The largest visible themes, each with its monthly trend and example quotes."""
    cells = reader.slices(("theme_id", "month"))
    cells = {k: v for k, v in cells.items() if k[0] is not None}
    theme_ids = {t for t, _ in cells}
    months = sorted({m for _, m in cells})[-TREND_MONTHS:]
    totals = {
        t: Slice(t, sum(c.value for (tt, _), c in cells.items() if tt == t), _union(cells, t, 0))
        for t in theme_ids
    }
    table = {
        (t, m): cells.get((t, m), Slice((t, m), 0, frozenset())) for t in theme_ids for m in months
    }
    # Months before the trend window are summed into the theme total, not shown apart.
    older = {
        t: Slice(
            (t, "older"),
            sum(c.value for (tt, m), c in cells.items() if tt == t and m not in months),
            Orgs.union(
                c.organisations for (tt, m), c in cells.items() if tt == t and m not in months
            ),
        )
        for t in theme_ids
    }
    for t in theme_ids:
        table[(t, "older")] = older[t]
    suppress_table(table, row_totals=totals)
    ranked = sorted((t for t in theme_ids if not totals[t].hidden), key=lambda t: -totals[t].value)[
        :TOP_THEMES
    ]
    hidden_themes = sum(1 for t in theme_ids if totals[t].hidden)
    described = {
        pk: (name, words)
        for pk, name, words in Theme.objects.filter(pk__in=ranked).values_list(
            "pk", "name", "keywords"
        )
    }
    quotes = theme_quotes(reader.filters, ranked)
    themes = []
    for t in ranked:
        trend = [table[(t, m)] for m in months]
        themes.append(
            {
                "id": t,
                "name": described.get(t, ("—", []))[0],
                "keywords": (described.get(t, ("—", []))[1] or [])[:6],
                "total": totals[t],
                "trend": trend,
                "quotes": quotes.get(t),
            }
        )
    return {
        "themes": themes,
        "months": [{"month": m, "label": _month_label(m)} for m in months],
        "hidden_themes": hidden_themes,
    }


def _gist(text: str) -> str:
    """Near-identical quotes (the same point, said again) are shown once."""
    return " ".join(text.lower().split()[:8])


def theme_quotes(filters: Filters, theme_ids: list[int]) -> dict[int, Slice]:
    """Up to QUOTES_PER_THEME example quotes per theme, from different meetings.

    Only examples whose item lies in a passing atomic cell (`ThemeItem.published`):
    a quote can appear or vanish between two views only with a cell that has enough
    organisations behind it. One query for any number of themes.
    """
    if not theme_ids:
        return {}
    rows = (
        ThemeItem.objects.filter(
            item_q(filters, "item__"), theme_id__in=theme_ids, example=True, published=True
        )
        .order_by("theme_id", "-score")
        .values_list("theme_id", "item__text", "item__meeting_id")
    )
    chosen: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for theme_id, text, meeting_id in rows:
        picked = chosen[theme_id]
        if len(picked) < QUOTES_PER_THEME and all(
            m != meeting_id and _gist(t) != _gist(text) for t, m in picked
        ):
            picked.append((text, meeting_id))
    return {
        theme_id: Slice(
            theme_id,
            len(chosen.get(theme_id, [])),
            Orgs(safe=True),
            extra={"texts": [t for t, _ in chosen.get(theme_id, [])]},
        )
        for theme_id in theme_ids
    }


HIGHLIGHTS_PER_LIST = 6


def highlights(filters: Filters) -> dict[str, Slice]:
    """The "could be simplified or eliminated" and "dream product" lists.

    Only highlights whose item lies in a passing atomic cell (`Highlight.published`).
    """
    result = {}
    for value, label in Highlight.List.choices:
        texts, seen = [], set()
        # A few more than needed, so that repeated texts can be skipped.
        for text in (
            cube_rows(filters, Highlight.objects.filter(list=value, published=True))
            .order_by("-item_id")
            .values_list("text", flat=True)[: HIGHLIGHTS_PER_LIST * 5]
        ):
            if _gist(text) not in seen and len(texts) < HIGHLIGHTS_PER_LIST:
                seen.add(_gist(text))
                texts.append(text)
        result[value] = Slice(
            value, len(texts), Orgs(safe=True), label=label, extra={"texts": texts}
        )
    return result


def _signal_rows(filters: Filters) -> list[tuple]:
    """The meetings in view, counted per (month, kind, suggestion, safe, organisations).

    Only meetings whose atomic meeting cell passes (`MeetingSignal.published`). One
    query feeds both the kinds table and the flags: safe meetings keep no
    organisations, so this is a few hundred rows whatever the number of meetings.
    """
    return list(
        MeetingSignal.objects.filter(signal_q(filters), published=True)
        .order_by()
        .values_list("month", "kind", "suggestion", "safe", "organisations")
        .annotate(n=Count("pk"))
    )


def meeting_kinds(filters: Filters) -> dict:
    """Rated meetings per month by kind (War / Advertisement / Love-In / 4F), with shares."""
    signals = _signal_rows(filters)
    cells = slices_from_signal_rows(
        ((month, kind), safe, orgs, n)
        for month, kind, _suggestion, safe, orgs, n in signals
        if kind
    )
    months = sorted({m for m, _ in cells})
    for m in months:
        for k, _ in MEETING_KINDS:
            cells.setdefault((m, k), Slice((m, k), 0, frozenset()))
    row_totals = {
        m: Slice(m, sum(cells[(m, k)].value for k, _ in MEETING_KINDS), _union(cells, m, 0))
        for m in months
    }
    column_totals = {
        k: Slice(k, sum(cells[(m, k)].value for m in months), _union(cells, k, 1))
        for k, _ in MEETING_KINDS
    }
    grand = Slice(
        "all",
        sum(t.value for t in row_totals.values()),
        Orgs.union(t.organisations for t in row_totals.values()),
    )
    suppress_table(cells, row_totals=row_totals, column_totals=column_totals, grand_total=grand)
    rows = []
    for m in months:
        total = row_totals[m]
        row_cells = []
        for k, _ in MEETING_KINDS:
            cell = cells[(m, k)]
            share = fraction = None
            if not cell.hidden and not total.hidden and total.value:
                fraction = cell.value / total.value
                share = round(100 * fraction)
            row_cells.append({"slice": cell, "share": share, "fraction": fraction, "kind": k})
        rows.append({"month": m, "label": _month_label(m), "total": total, "cells": row_cells})
    return {
        "rows": rows,
        "kinds": MEETING_KINDS,
        "column_totals": [column_totals[k] for k, _ in MEETING_KINDS],
        "total": grand,
        "flags": meeting_flags(filters, signals),
    }


def meeting_flags(filters: Filters, signals: list[tuple] | None = None) -> list[Slice]:
    """Meetings whose feedback suggests a Love-In or an Advertisement not rated as such."""
    if signals is None:
        signals = _signal_rows(filters)
    groups = slices_from_signal_rows(
        ((suggestion,), safe, orgs, n)
        for _month, kind, suggestion, safe, orgs, n in signals
        if suggestion and kind != suggestion
    )
    slices = []
    for value, label in MeetingSignal.Kind.choices:
        s = groups.get((value,), Slice((value,), 0, frozenset()))
        s.label = label
        slices.append(s)
    suppress_slices(slices)
    return slices


# The atomic cell of actions: the meeting cell's fields (through the meeting's signal)
# and whether the action is overdue.
ACTION_CELL = ("month", "region_id", "country", "meeting_type", "kind")


def actions_summary(filters: Filters, reader: CubeReader, concerns: Slice) -> dict:
    """Open and overdue actions, and the share of concerns answered ("you said, we did").

    Open actions are counted per atomic cell (the meeting's month, region, country,
    type and kind, and overdue or not) and only cells that pass are summed. Answered
    concerns come from the cube, where "answered" is part of the grain.
    """
    today = timezone.localdate()
    open_statuses = [Action.Status.OPEN, Action.Status.IN_PROGRESS]
    signal = "meeting__dashboard_signal__"
    actions = Action.objects.filter(
        signal_q(filters, signal), meeting__isnull=False, status__in=open_statuses
    ).annotate(overdue=Q(due_date__lt=today))
    cells = slices_through_signals(
        actions, [*(f"{signal}{f}" for f in ACTION_CELL), "overdue"], prefix=signal
    )
    groups = sum_passing_cells(cells, lambda key: (key[-1],))
    overdue = groups.get((True,), Slice((True,), 0, Orgs(safe=True)))
    not_overdue = groups.get((False,), Slice((False,), 0, Orgs(safe=True)))
    open_total = Slice("open", overdue.value + not_overdue.value, Orgs(safe=True))
    # Answered: the meeting's "you said, we did" follow-up was published (the actions
    # app's definition, actions.selectors.concerns_answered_share).
    answered = reader.slices(("answered",), where={"kind": FeedbackItem.Kind.CONCERN}).get(
        (True,), Slice("answered", 0, Orgs(safe=True))
    )
    share = None
    if not concerns.hidden and concerns.value:
        share = round(100 * answered.value / concerns.value)
    return {
        "open": open_total,
        "overdue": overdue,
        "concerns": concerns,
        "answered": answered,
        "answered_share": share,
    }


CHARTERS_SHOWN = 12
GAPS_PER_CHARTER = 5


def charter_gaps(filters: Filters) -> list[dict]:
    """Expectations customers named that are missing from each charter in view.

    Uses actions.selectors.missing_from_charter, which applies the same threshold: a
    group's count and quotes only when enough organisations stand behind it. A few
    queries per charter; charters are one per region or team, not data that grows.
    """

    charters = Charter.objects.order_by("name")
    if filters.regions is not None:
        charters = charters.filter(region_id__in=filters.regions)
    result = []
    for charter in charters[:CHARTERS_SHOWN]:
        groups = [g for g in missing_from_charter(charter=charter) if g.promoted_into is None]
        if groups:
            result.append(
                {
                    "charter": charter,
                    "groups": groups[:GAPS_PER_CHARTER],
                    "more": max(0, len(groups) - GAPS_PER_CHARTER),
                }
            )
    return result


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
    }
