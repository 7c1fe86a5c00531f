"""Small SVG charts drawn on the server (no script, CSP-friendly).

Every chart is decorative next to its data table (`aria-hidden` is not used: the SVG
has role="img" and a title summarising it, and the table carries the figures). Hidden
(suppressed) values are never drawn: a hidden bar is an outlined gap marked "hidden".
"""

from __future__ import annotations

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

SENTIMENT_COLOURS = {"negative": "#b3261e", "neutral": "#8a94a6", "positive": "#1b7f4b"}
KIND_COLOURS = {"war": "#b3261e", "advertisement": "#b26a00", "love_in": "#c2528b", "4f": "#1b7f4b"}
HIDDEN_FILL = "#eef0f3"


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return mark_safe(  # noqa: S308 - every piece of text below goes through escape()
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def stacked_columns(
    *, title: str, rows: list[dict], series: list[str], colours: dict[str, str]
) -> str:
    """Columns per row (month): each row has `label`, `total` (Slice) and `cells` (Slices)."""
    width, height, top, bottom, left = 960, 240, 10, 30, 36
    plot_h = height - top - bottom
    peak = max([r["total"].value or 0 for r in rows if not r["total"].hidden] + [1])
    step = (width - left - 10) / max(1, len(rows))
    bar_w = max(4.0, step * 0.7)
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 5}" y2="{top + plot_h}" '
        'stroke="#c9ced6"/>',
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" font-size="10" '
        f'fill="#5b6472">{peak}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" font-size="10" '
        'fill="#5b6472">0</text>',
    ]
    label_every = max(1, round(len(rows) / 12))
    for i, row in enumerate(rows):
        x = left + i * step + (step - bar_w) / 2
        total = row["total"]
        if total.hidden:
            body.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - 12}" width="{bar_w:.1f}" height="12" '
                f'fill="{HIDDEN_FILL}" stroke="#9aa3b0" stroke-dasharray="2 2"/>'
            )
        else:
            y = top + plot_h
            shown = 0
            for name, cell in zip(series, row["cells"], strict=True):
                if cell.hidden or not cell.value:
                    continue
                h = plot_h * cell.value / peak
                y -= h
                shown += cell.value
                body.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                    f'fill="{colours.get(name, "#5b6472")}"/>'
                )
            rest = (total.value or 0) - shown
            if rest > 0:
                h = plot_h * rest / peak
                y -= h
                body.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                    f'fill="{HIDDEN_FILL}" stroke="#9aa3b0" stroke-dasharray="2 2"/>'
                )
        if i % label_every == 0:
            body.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - 12}" text-anchor="middle" '
                f'font-size="10" fill="#5b6472">{escape(row["short"])}</text>'
            )
    return _svg(width, height, title, body)


def share_columns(*, title: str, rows: list[dict], colours: dict[str, str]) -> str:
    """100 % columns per month: each row has `short` and `cells` with `share`/`kind`."""
    width, height, top, bottom, left = 960, 220, 10, 30, 36
    plot_h = height - top - bottom
    step = (width - left - 10) / max(1, len(rows))
    bar_w = max(4.0, step * 0.7)
    body = [
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" font-size="10" '
        'fill="#5b6472">100%</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" font-size="10" '
        'fill="#5b6472">0</text>',
    ]
    label_every = max(1, round(len(rows) / 12))
    for i, row in enumerate(rows):
        x = left + i * step + (step - bar_w) / 2
        y = top + plot_h
        known = 0
        for cell in row["cells"]:
            if cell["share"] is None:
                continue
            # Geometry from the exact fraction; the table shows the rounded share.
            h = plot_h * cell["fraction"]
            y -= h
            known += 100 * cell["fraction"]
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{colours.get(cell["kind"], "#5b6472")}"/>'
            )
        if known < 99.5:
            h = plot_h * (100 - known) / 100
            body.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - known * plot_h / 100 - h:.1f}" '
                f'width="{bar_w:.1f}" height="{h:.1f}" fill="{HIDDEN_FILL}" stroke="#9aa3b0" '
                'stroke-dasharray="2 2"/>'
            )
        if i % label_every == 0:
            body.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - 12}" text-anchor="middle" '
                f'font-size="10" fill="#5b6472">{escape(row["short"])}</text>'
            )
    return _svg(width, height, title, body)


def horizontal_bars(*, title: str, slices: list) -> str:
    width, row_h, left = 640, 26, 170
    height = row_h * len(slices) + 8
    peak = max([s.value or 0 for s in slices if not s.hidden] + [1])
    body = []
    for i, s in enumerate(slices):
        y = 4 + i * row_h
        body.append(
            f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" font-size="12" '
            f'fill="#1f2933">{escape(s.label)}</text>'
        )
        if s.hidden:
            body.append(
                f'<rect x="{left}" y="{y + 4}" width="60" height="16" fill="{HIDDEN_FILL}" '
                'stroke="#9aa3b0" stroke-dasharray="2 2"/>'
                f'<text x="{left + 66}" y="{y + 16}" font-size="11" fill="#5b6472">hidden</text>'
            )
            continue
        w = (width - left - 50) * (s.value or 0) / peak
        body.append(
            f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="16" fill="#1d4e89"/>'
            f'<text x="{left + w + 6:.1f}" y="{y + 16}" font-size="11" fill="#1f2933">'
            f"{s.value}</text>"
        )
    return _svg(width, height, title, body)


def sparkline(*, title: str, slices: list) -> str:
    """A theme's monthly trend; hidden months break the line."""
    width, height = 120, 28
    peak = max([s.value or 0 for s in slices if not s.hidden] + [1])
    step = width / max(1, len(slices) - 1)
    segments, current = [], []
    for i, s in enumerate(slices):
        if s.hidden:
            if current:
                segments.append(current)
            current = []
            continue
        current.append((i * step, height - 3 - (height - 6) * (s.value or 0) / peak))
    if current:
        segments.append(current)
    body = []
    for seg in segments:
        if len(seg) == 1:
            x, y = seg[0]
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="#1d4e89"/>')
        else:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in seg)
            body.append(
                f'<polyline points="{points}" fill="none" stroke="#1d4e89" stroke-width="2"/>'
            )
    return _svg(width, height, title, body)


def legend(items: list[tuple[str, str]], colours: dict[str, str]):
    parts = [
        format_html(
            '<li><svg class="legend-swatch" viewBox="0 0 10 10" aria-hidden="true">'
            '<rect width="10" height="10" fill="{}"/></svg>{}</li>',
            colours.get(value, "#5b6472"),
            label,
        )
        for value, label in items
    ]
    parts.append(
        format_html(
            '<li><svg class="legend-swatch" viewBox="0 0 10 10" aria-hidden="true">'
            '<rect width="10" height="10" fill="{}" stroke="#9aa3b0"/></svg>{}</li>',
            HIDDEN_FILL,
            _("hidden (fewer than 3 organisations)"),
        )
    )
    return mark_safe('<ul class="chart-legend">' + "".join(parts) + "</ul>")  # noqa: S308
