"""The SVG charts: readable when sparse, named by their figures, hidden cells hatched."""

import re

from anonymity.suppression import Slice
from dashboard import charts


def s(value, hidden=False, label=""):
    return Slice(label or value, value, frozenset(), label=label, hidden=hidden)


def test_a_single_point_is_a_marker_with_its_value_not_a_stray_tick():
    svg = charts.sparkline(title="Monthly trend of Invoices", slices=[s(7)], labels=["Nov 2026"])
    assert svg.count("<circle") == 1
    assert ">7</text>" in svg
    assert "Monthly trend of Invoices: Nov 2026 7" in svg  # name and hover title


def test_a_sparse_series_gets_a_marker_on_every_point_and_names_hidden_months():
    slices = [s(2), s(None, hidden=True), s(4), s(5)]
    svg = charts.sparkline(title="Trend", slices=slices, labels=["Aug", "Sep", "Oct", "Nov"])
    assert svg.count("<circle") == 3  # a gap: every visible point is marked
    assert svg.count("<polyline") == 1  # the line breaks at the hidden month
    assert "Sep hidden" in svg


def test_a_dense_series_marks_only_its_last_point():
    svg = charts.sparkline(title="Trend", slices=[s(v) for v in (1, 2, 3, 4, 5, 6)])
    assert svg.count("<circle") == 1
    assert ">6</text>" in svg


def test_each_column_is_focusable_and_named_by_its_figures():
    rows = [
        {"label": "October 2026", "short": "Oct 26", "total": s(9), "cells": [s(4), s(5)]},
        {"label": "November 2026", "short": "Nov 26", "total": s(None, hidden=True),
         "cells": [s(None, hidden=True), s(None, hidden=True)]},
    ]  # fmt: skip
    svg = charts.stacked_columns(
        title="Feedback per month",
        rows=rows,
        series=[("negative", "Negative"), ("positive", "Positive")],
        colours=charts.SENTIMENT_COLOURS,
    )
    columns = re.findall(r'<g class="chart-col" tabindex="0" role="img" aria-label="([^"]+)">', svg)
    assert columns == [
        "October 2026: 9 — Negative 4, Positive 5",
        "November 2026: hidden — Negative hidden, Positive hidden",
    ]
    assert 'role="group"' in svg  # focusable columns are not inside an image
    assert 'fill="url(#volume-hidden)"' in svg  # the hidden month is hatched, not coloured
    assert "Feedback items" in svg
    assert "Month" in svg
    assert charts.SENTIMENT_COLOURS["negative"] in svg


def test_a_single_month_is_a_column_of_readable_width():
    rows = [{"label": "November 2026", "short": "Nov 26", "total": s(3), "cells": [s(3)]}]
    svg = charts.stacked_columns(
        title="t", rows=rows, series=[("negative", "Negative")], colours={}
    )
    widths = {float(w) for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)}
    assert widths == {charts.MAX_BAR}


def test_palettes_are_okabe_ito_and_pattern_ids_are_unique_per_chart():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
    assert set(charts.KIND_COLOURS.values()) <= okabe_ito
    assert {"#D55E00", "#0072B2"} <= set(charts.SENTIMENT_COLOURS.values())
    legend = charts.legend([("war", "War")], charts.KIND_COLOURS, uid="legend-kinds")
    assert 'id="legend-kinds-hidden"' in legend
    bars = charts.horizontal_bars(title="Concerns", slices=[s(3, label="Sales")])
    assert 'id="concerns-hidden"' in bars
    assert 'tabindex="0"' in bars
    assert "Concerns: Sales 3" in bars


def test_a_quiet_month_is_an_empty_column_not_skipped():
    import datetime as dt

    rows = [{"month": dt.date(2026, 1, 1), "n": 1}, {"month": dt.date(2026, 4, 1), "n": 2}]
    filled = charts.calendar_rows(rows, lambda m: {"month": m, "n": 0})
    assert [(r["month"].month, r["n"]) for r in filled] == [(1, 1), (2, 0), (3, 0), (4, 2)]
    assert charts.calendar_rows(rows[:1], lambda m: {}) == rows[:1]
