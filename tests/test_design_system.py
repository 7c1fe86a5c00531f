"""The design system (docs/design.md): icons are vendored and hidden from screen readers,
the partials render, the favicon is served, and nothing is fetched from a CDN."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "static" / "icons"
ICON_USE = re.compile(
    r"""{%\s*icon\s+"([a-z0-9-]+)"|icon=["']([a-z0-9-]+)["']|"icon", "([a-z0-9-]+)"|default:"([a-z0-9-]+)\""""
)


def templates() -> list[Path]:
    return [
        p for p in ROOT.rglob("*.html") if ".venv" not in p.parts and "node_modules" not in p.parts
    ]


def test_an_icon_is_inline_and_hidden_from_screen_readers():
    html = Template('{% icon "printer" %}').render(Context())
    assert html.startswith('<svg class="icon" aria-hidden="true" focusable="false"')
    assert "<path" in html
    assert "license" not in html  # the licence comment stays in the file


def test_an_unknown_icon_is_a_template_error_not_a_broken_page_later():
    with pytest.raises(TemplateSyntaxError):
        Template('{% icon "../../config/settings" %}').render(Context())


def test_every_icon_a_template_names_is_vendored_and_every_vendored_icon_is_used():
    used = set()
    for path in templates():
        for groups in ICON_USE.findall(path.read_text(encoding="utf-8")):
            used.update(g for g in groups if g)
    vendored = {p.stem for p in ICONS.glob("*.svg")} - {"favicon"}
    assert used - vendored == set(), "icons named but not in static/icons/"
    assert vendored - used == set(), "icons copied but never used"
    assert (ICONS / "LICENSE").read_text(encoding="utf-8").startswith("ISC License")


def test_no_template_loads_anything_from_another_site():
    for path in templates():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']https?://(?!{{)""", text), path


def test_the_badge_and_empty_state_partials():
    badge = Template('{% include "components/badge.html" with tone="ok" label="Sent" %}').render(
        Context()
    )
    assert badge.strip() == '<span class="badge badge--ok">Sent</span>'
    empty = Template(
        '{% include "components/empty_state.html" with title="Nothing yet" icon="calendar" %}'
    ).render(Context())
    assert 'class="empty-state"' in empty
    assert "Nothing yet" in empty
    assert 'aria-hidden="true"' in empty


@pytest.mark.django_db
def test_the_favicon_is_served_at_the_site_root():
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


BACK_LINK = re.compile(
    r'<p class="(?:muted small|small muted|small)"><a href="[^"]*">[^<]*</a></p>'
)


def _block(text: str, start: int) -> str:
    """The <div> opening at `start`, up to its own closing tag."""
    depth = 0
    for tag in re.finditer(r"<(/?)div\b", text[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return text[start : start + tag.end()]
    return text[start:]


def _needs_hand_markup(header: str) -> bool:
    """What components/page_header.html cannot show: a badge beside the title, tabs, a form,
    several buttons, a status or facts line, or a second lede or one put together in the
    template (loops, conditions)."""
    paragraphs = re.findall(r"<p\b[^>]*>.*?</p>", header, flags=re.S)
    ledes = [p for p in paragraphs if p.startswith('<p class="lede">')]
    others = [p for p in paragraphs if p not in ledes and not BACK_LINK.fullmatch(p)]
    outside_ledes = header
    for lede in ledes:
        outside_ledes = outside_ledes.replace(lede, "")
    return bool(
        "badge" in outside_ledes
        or re.search(r"<nav|<form", header)
        or len(re.findall(r'class="button|<button', header)) > 1
        or others
        or len(ledes) > 1
        or any(re.search(r"{%\s*(if|for)\b", lede) for lede in ledes)
    )


def test_a_page_header_is_written_by_hand_only_when_the_partial_cannot_show_it():
    """docs/design.md: a title, a lede, a back link and one action go through
    components/page_header.html; richer headers keep the same markup by hand."""
    plain = []
    for path in templates():
        if path.parent.name == "components":
            continue
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r'<div class="page-header">', text):
            if not _needs_hand_markup(_block(text, match.start())):
                plain.append(str(path.relative_to(ROOT)))
    assert plain == [], "use components/page_header.html"
    header = (ROOT / "templates/components/page_header.html").read_text(encoding="utf-8")
    assert not _needs_hand_markup(_block(header, header.index('<div class="page-header">')))
