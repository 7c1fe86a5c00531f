"""The design system's template tags (docs/design.md), loaded as builtins on every template.

`{% icon "calendar" %}` inlines a Lucide icon from static/icons/ (ISC licence, copied there
one file per icon we use). Inline rather than <img>, so the icon takes the text's colour;
always aria-hidden, because every icon sits beside a text label that says the same.
"""

from functools import cache
from pathlib import Path

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

ICONS = Path(settings.BASE_DIR) / "static" / "icons"


@cache
def _icon_body(name: str) -> str:
    """The icon's inner drawing (paths), without the licence comment and <svg> wrapper."""
    path = ICONS / f"{name}.svg"
    if not name.replace("-", "").isalnum() or not path.is_file():
        raise template.TemplateSyntaxError(f"No icon {name!r} in static/icons/")
    text = path.read_text(encoding="utf-8")
    return text[text.index(">", text.index("<svg")) + 1 : text.rindex("</svg>")].strip()


@register.simple_tag
def icon(name: str, css: str = "") -> str:
    """An inline SVG icon, hidden from assistive technology (the label beside it speaks)."""
    body = mark_safe(_icon_body(name))  # noqa: S308 - our own vendored files, never user input
    return format_html(
        '<svg class="icon{}" aria-hidden="true" focusable="false" viewBox="0 0 24 24" '
        'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
        'stroke-linejoin="round">{}</svg>',
        f" {css}" if css else "",
        body,
    )
