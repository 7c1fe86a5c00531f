"""The widgets of the dashboard page, the board pack, the home section and the exports."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format

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
from feedback.models import FeedbackItem
from meetings.models import Section

from ..models import (
    Highlight,
    MeetingSignal,
    Theme,
    ThemeItem,
)
from ..vocabulary import theme_words
from .cube import CubeReader
from .filters import MEETING_KINDS, SENTIMENTS, Filters, cube_rows, item_q, signal_q


def _month_label(month: dt.date) -> str:
    return date_format(month, "M Y")


def _month_table(cells: dict, columns) -> tuple[list, dict, dict, Slice]:
    """A table of months by `columns` ((value, label) pairs) from its cells, keyed
    (month, column): the missing cells as zero, each month's, each column's and the grand
    total, every figure suppressed together (differencing between them included).
    Returns (months, row totals, column totals, grand total); `cells` is completed."""
    months = sorted({m for m, _ in cells})
    for m in months:
        for c, _ in columns:
            cells.setdefault((m, c), Slice((m, c), 0, frozenset()))
    row_totals = {
        m: Slice(m, sum(cells[(m, c)].value for c, _ in columns), _union(cells, m, 0))
        for m in months
    }
    column_totals = {
        c: Slice(c, sum(cells[(m, c)].value for m in months), _union(cells, c, 1))
        for c, _ in columns
    }
    grand = Slice(
        "all",
        sum(t.value for t in row_totals.values()),
        Orgs.union(t.organisations for t in row_totals.values()),
    )
    suppress_table(cells, row_totals=row_totals, column_totals=column_totals, grand_total=grand)
    return months, row_totals, column_totals, grand


def volume_by_month(reader: CubeReader) -> dict:
    """Feedback per month, split by sentiment, with month, sentiment and grand totals."""
    cells = reader.slices(("month", "sentiment"))
    months, row_totals, column_totals, grand = _month_table(cells, SENTIMENTS)
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
        pk: (name, words, origin)
        for pk, name, words, origin in Theme.objects.filter(pk__in=ranked).values_list(
            "pk", "name", "keywords", "origin"
        )
    }
    quotes = theme_quotes(reader.filters, ranked)
    for t, quote in quotes.items():
        # Why each quote is in its theme: its words among the theme's keywords, or the tag.
        _name, words, origin = described.get(t, ("", [], ""))
        tagged = origin == Theme.Origin.TAG
        quote.extra["because"] = [
            {"text": text, "words": [] if tagged else theme_words(text, words or [])}
            for text in quote.extra["texts"]
        ]
        quote.extra["tag"] = (words or [""])[0] if tagged else ""
    themes = []
    for t in ranked:
        trend = [table[(t, m)] for m in months]
        themes.append(
            {
                "id": t,
                "name": described.get(t, ("—", [], ""))[0],
                "keywords": (described.get(t, ("—", [], ""))[1] or [])[:6],
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
    months, row_totals, column_totals, grand = _month_table(cells, MEETING_KINDS)
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
