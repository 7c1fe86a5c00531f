"""Small SVG charts drawn on the server (no script, no inline style: CSP-friendly).

Colours come from the Okabe–Ito palette (safe for the common colour-vision deficiencies)
and hidden (suppressed) values are never drawn: a hidden bar is a hatched gap, so it
reads as "hidden" without colour. Each column of a column chart is focusable and carries
its figures as an accessible name and a <title> (the tooltip on hover); the table behind
each chart is one click away on the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

# Okabe–Ito: vermillion, grey, blue for sentiment; vermillion, orange, reddish purple and
# bluish green for the kinds of meeting (4F, the goal, in green).
SENTIMENT_COLOURS = {"negative": "#D55E00", "neutral": "#8A8A8A", "positive": "#0072B2"}
KIND_COLOURS = {"war": "#D55E00", "advertisement": "#E69F00", "love_in": "#CC79A7", "4f": "#009E73"}
BAR_COLOUR = "#0072B2"
HIDDEN_FILL = "#eef0f3"
INK, MUTED, AXIS = "#1f2933", "#5b6472", "#c9ced6"
MAX_BAR = 56.0
SPARSE = 3


def _hatch(uid: str) -> str:
    """A diagonal hatch for hidden cells (one per SVG: ids stay unique on the page)."""
    return (
        f'<defs><pattern id="{uid}-hidden" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{HIDDEN_FILL}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#6b7280" stroke-width="1.5"/></pattern></defs>'
    )


def _hidden_rect(uid: str, x: float, y: float, w: float, h: float) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
        f'fill="url(#{uid}-hidden)" stroke="#6b7280"/>'
    )


def _svg(
    width: int,
    height: int,
    title: str,
    body: list[str],
    *,
    role: str = "img",
    css: str = "chart",
    focusable: bool = False,
) -> str:
    # A chart whose figures sit in its name is focusable (it may scroll on a phone).
    tab = ' tabindex="0"' if focusable else ""
    return mark_safe(  # noqa: S308 - every piece of text below goes through escape()
        f'<svg class="{css}"{tab} viewBox="0 0 {width} {height}" role="{role}" '
        f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def _figure(slice_) -> str:
    return _("hidden") if slice_.hidden else str(slice_.value or 0)


def _column(label: str, inner: list[str]) -> str:
    """One focusable column: its figures are its name (screen readers) and title (hover)."""
    name = escape(label)
    return (
        f'<g class="chart-col" tabindex="0" role="img" aria-label="{name}">'
        f"<title>{name}</title>{''.join(inner)}</g>"
    )


def _axes(*, left: int, top: int, plot_h: int, width: int, height: int, top_label, y_title):
    bottom = top + plot_h
    return [
        f'<line x1="{left}" y1="{bottom}" x2="{width - 5}" y2="{bottom}" stroke="{AXIS}"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="{AXIS}"/>',
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" font-size="10" '
        f'fill="{MUTED}">{escape(top_label)}</text>',
        f'<text x="{left - 4}" y="{bottom}" text-anchor="end" font-size="10" fill="{MUTED}">0</text>',
        f'<text x="12" y="{top + plot_h / 2:.0f}" text-anchor="middle" font-size="10" '
        f'fill="{MUTED}" transform="rotate(-90 12 {top + plot_h / 2:.0f})">{escape(y_title)}</text>',
        f'<text x="{left + (width - left) / 2:.0f}" y="{height - 2}" text-anchor="middle" '
        f'font-size="10" fill="{MUTED}">{escape(_("Month"))}</text>',
    ]


def calendar_rows(rows: list[dict], empty: Callable[[dt.date], dict]) -> list[dict]:
    """Every month from the first row's to the last's: a quiet month is an empty column,
    not skipped (two columns side by side are two months side by side)."""
    if len(rows) < 2:
        return rows
    by_month = {row["month"]: row for row in rows}
    month, months = rows[0]["month"], []
    while month <= rows[-1]["month"]:
        months.append(by_month.get(month) or empty(month))
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def _geometry(width: int, left: int, count: int) -> tuple[float, float]:
    step = (width - left - 10) / max(1, count)
    return step, min(MAX_BAR, max(4.0, step * 0.7))


def _month_tick(i: int, every: int, x: float, y: int, short: str) -> list[str]:
    if i % every:
        return []
    return [
        f'<text x="{x:.1f}" y="{y}" text-anchor="middle" font-size="10" '
        f'fill="{MUTED}">{escape(short)}</text>'
    ]


def stacked_columns(
    *,
    title: str,
    rows: list[dict],
    series: list[tuple[str, str]],
    colours: dict[str, str],
    uid: str = "volume",
) -> str:
    """Columns per row (month): each row has `label`, `short`, `total` and `cells` (Slices)."""
    width, height, top, bottom, left = 960, 250, 16, 40, 46
    plot_h = height - top - bottom
    peak = max([r["total"].value or 0 for r in rows if not r["total"].hidden] + [1])
    step, bar_w = _geometry(width, left, len(rows))
    body = [_hatch(uid)] + _axes(
        left=left, top=top, plot_h=plot_h, width=width, height=height,
        top_label=str(peak), y_title=_("Feedback items"),
    )  # fmt: skip
    every = max(1, round(len(rows) / 12))
    base = top + plot_h
    for i, row in enumerate(rows):
        x = left + i * step + (step - bar_w) / 2
        total, inner = row["total"], []
        parts = ", ".join(
            f"{label} {_figure(cell)}"
            for (_name, label), cell in zip(series, row["cells"], strict=True)
        )
        summary = f"{row['label']}: {_figure(total)} — {parts}"
        if total.hidden:
            inner.append(_hidden_rect(uid, x, base - 14, bar_w, 14))
        else:
            y, shown = base, 0
            for (name, _label), cell in zip(series, row["cells"], strict=True):
                if cell.hidden or not cell.value:
                    continue
                h = plot_h * cell.value / peak
                y -= h
                shown += cell.value
                inner.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                    f'fill="{colours.get(name, MUTED)}"/>'
                )
            rest = (total.value or 0) - shown
            if rest > 0:
                h = plot_h * rest / peak
                y -= h
                inner.append(_hidden_rect(uid, x, y, bar_w, h))
            inner.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                f'font-size="10" fill="{INK}">{total.value or 0}</text>'
            )
        body.append(_column(summary, inner))
        body += _month_tick(i, every, x + bar_w / 2, height - 16, row["short"])
    return _svg(width, height, title, body, role="group")


def share_columns(
    *, title: str, rows: list[dict], colours: dict[str, str], labels: dict, uid: str = "kinds"
) -> str:
    """100 % columns per month: each row has `short`, `total` and `cells` with `share`/`kind`."""
    width, height, top, bottom, left = 960, 230, 16, 40, 46
    plot_h = height - top - bottom
    step, bar_w = _geometry(width, left, len(rows))
    body = [_hatch(uid)] + _axes(
        left=left, top=top, plot_h=plot_h, width=width, height=height,
        top_label="100%", y_title=_("Share of rated meetings"),
    )  # fmt: skip
    every = max(1, round(len(rows) / 12))
    base = top + plot_h
    for i, row in enumerate(rows):
        x = left + i * step + (step - bar_w) / 2
        y, known, inner, parts = base, 0.0, [], []
        for cell in row["cells"]:
            label = labels.get(cell["kind"], cell["kind"])
            if cell["share"] is None:
                parts.append(f"{label} {_figure(cell['slice'])}")
                continue
            parts.append(f"{label} {cell['slice'].value} ({cell['share']}%)")
            # Geometry from the exact fraction; the table shows the rounded share.
            h = plot_h * cell["fraction"]
            y -= h
            known += 100 * cell["fraction"]
            inner.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{colours.get(cell["kind"], MUTED)}"/>'
            )
        if known < 99.5 and (row["total"].hidden or row["total"].value):
            h = plot_h * (100 - known) / 100
            inner.append(_hidden_rect(uid, x, base - known * plot_h / 100 - h, bar_w, h))
        summary = f"{row['label']}: {_figure(row['total'])} — {', '.join(parts)}"
        body.append(_column(summary, inner))
        body += _month_tick(i, every, x + bar_w / 2, height - 16, row["short"])
    return _svg(width, height, title, body, role="group")


def horizontal_bars(*, title: str, slices: list, uid: str = "concerns") -> str:
    """One bar per slice with its value written beside it; the title lists every figure."""
    width, row_h, left = 640, 26, 170
    height = row_h * len(slices) + 8
    peak = max([s.value or 0 for s in slices if not s.hidden] + [1])
    body = [_hatch(uid)]
    for i, s in enumerate(slices):
        y = 4 + i * row_h
        body.append(
            f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{escape(s.label)}</text>'
        )
        if s.hidden:
            body.append(_hidden_rect(uid, left, y + 4, 60, 16))
            body.append(
                f'<text x="{left + 66}" y="{y + 16}" font-size="11" fill="{MUTED}">'
                f"{escape(_('hidden'))}</text>"
            )
            continue
        w = (width - left - 50) * (s.value or 0) / peak
        body.append(
            f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="16" fill="{BAR_COLOUR}"/>'
            f'<text x="{left + w + 6:.1f}" y="{y + 16}" font-size="11" fill="{INK}">'
            f"{s.value}</text>"
        )
    summary = f"{title}: " + ", ".join(f"{s.label} {_figure(s)}" for s in slices)
    return _svg(width, height, summary, body, css="chart chart--bars", focusable=True)


def sparkline(*, title: str, slices: list, labels: list[str] | None = None) -> str:
    """A theme's monthly trend; hidden months break the line, every point has a marker.

    A lone point (one month, or one between hidden months) is a marker with its value,
    never a stray tick. The title (hover) and the accessible name list every month.
    """
    width, height, pad = 132, 30, 6
    labels = labels or [""] * len(slices)
    peak = max([s.value or 0 for s in slices if not s.hidden] + [1])
    step = (width - 2 * pad - 18) / max(1, len(slices) - 1)
    segments, current = [], []
    for i, s in enumerate(slices):
        if s.hidden:
            segments, current = segments + ([current] if current else []), []
            continue
        y = height - pad - (height - 2 * pad) * (s.value or 0) / peak
        current.append((pad + i * step, y, s.value or 0))
    if current:
        segments.append(current)
    body = []
    # Sparse series (a gap, or at most three points) get a marker on every point.
    sparse = len(segments) > 1 or sum(len(seg) for seg in segments) <= SPARSE
    for seg in segments:
        if len(seg) > 1:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in seg)
            body.append(
                f'<polyline points="{points}" fill="none" stroke="{BAR_COLOUR}" stroke-width="2"/>'
            )
        for x, y, _v in seg if sparse else seg[-1:]:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{BAR_COLOUR}"/>')
    if segments:
        x, y, value = segments[-1][-1]
        body.append(
            f'<text x="{x + 5:.1f}" y="{min(height - 2, y + 4):.1f}" font-size="10" '
            f'fill="{INK}">{value}</text>'
        )
    figures = ", ".join(
        f"{label} {_figure(s)}".strip() for label, s in zip(labels, slices, strict=True)
    )
    return _svg(width, height, f"{title}: {figures}", body, css="chart chart--spark")


def _swatch(fill: str, stroke: str = "none") -> str:
    return format_html(
        '<svg class="legend-swatch" viewBox="0 0 10 10" aria-hidden="true">'
        '<rect width="10" height="10" fill="{}" stroke="{}"/></svg>',
        fill,
        stroke,
    )


def legend(items: list[tuple[str, str]], colours: dict[str, str], *, uid: str = "legend"):
    parts = [format_html("<li>{}{}</li>", _swatch(colours.get(v, MUTED)), lbl) for v, lbl in items]
    hatch = mark_safe(  # noqa: S308 - constant markup
        '<svg class="legend-swatch" viewBox="0 0 10 10" aria-hidden="true">'
        f'{_hatch(uid)}<rect width="10" height="10" fill="url(#{uid}-hidden)" stroke="#6b7280"/>'
        "</svg>"
    )
    parts.append(format_html("<li>{}{}</li>", hatch, _("hidden (fewer than 3 organisations)")))
    return mark_safe('<ul class="chart-legend">' + "".join(parts) + "</ul>")  # noqa: S308
