"""Every staff page's visible text is marked for translation.

A heuristic on Django's own template lexer: the text a template writes itself (outside
`{% translate %}` and `{% blocktranslate %}`), and the attributes a person reads or hears
(title, alt, placeholder, aria-label, a button's value, a confirmation), must hold no
word. Variables are the views' business (their strings are marked in Python). Plurals
go through `{% blocktranslate count %}`, never the English-only `pluralize` filter.

Guest-facing templates (RSVP, guest comment, "you said, we did", mails, opt-out, error
pages) are checked by the guest-language work, which renders them in every language.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template import engines
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parent.parent
STAFF_APPS = (
    "accounts",
    "actions",
    "audit",
    "customers",
    "dashboard",
    "feedback",
    "invitations",
    "meetings",
    "outbox",
)
# Guest-facing (or error) templates, relative to ROOT: marked and tested with the guests'
# languages rather than here.
GUEST_FACING = {
    "templates/400.html",
    "templates/403.html",
    "templates/403_csrf.html",
    "templates/404.html",
    "templates/413.html",
    "templates/429.html",
    "templates/500.html",
    "templates/503.html",
    "templates/_plain.html",
    "actions/templates/actions/follow_up_public.html",
    "actions/templates/actions/follow_up_public_invalid.html",
    "actions/templates/actions/_follow_up_body.html",
    "actions/templates/actions/guest_page.html",
    "actions/templates/actions/guest_page_invalid.html",
    "feedback/templates/feedback/guest_comment.html",
    "invitations/templates/invitations/rsvp.html",
    "invitations/templates/invitations/rsvp_closed.html",
    "invitations/templates/invitations/_agenda.html",
    "outbox/templates/outbox/opt_out.html",
}
GUEST_FACING_DIRS = ("/mail/",)  # the mails are written to guests (and owners) by the mail work
# Words that are not translated: the product's name and file formats.
UNTRANSLATED = ("Open Chair", "CSV", "JSON", "UTC")
# Attributes whose value a person reads or a screen reader says (data-label heads a table
# cell on a phone, through CSS).
READ_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "aria-description",
    "data-confirm",
    "data-label",
}
WORD = re.compile(r"[^\W\d_]{2,}")
MARK = "\x00"  # stands for anything Django writes: a variable, a tag, a translation
LITERAL = ("script", "style", "code", "kbd")  # not prose: code, column names, keys


def staff_templates() -> list[Path]:
    found = sorted((ROOT / "templates").rglob("*.html"))
    for app in STAFF_APPS:
        found += sorted((ROOT / app / "templates").rglob("*.html"))
        found += sorted((ROOT / app / "templates").rglob("*.txt"))
    return [
        path
        for path in found
        if str(path.relative_to(ROOT)) not in GUEST_FACING
        and not any(part in str(path) for part in GUEST_FACING_DIRS)
    ]


def _skeleton(source: str) -> tuple[str, list[str]]:
    """The template's own text, with every tag, variable and translated text replaced by
    MARK; and the variables that use `pluralize`."""
    out, plurals = [], []
    blocktranslate = comment = verbatim = css_class = False
    for token in Lexer(source).tokenize():
        contents = token.contents.strip()
        if token.token_type == TokenType.BLOCK:
            name = contents.split(" ", 1)[0]
            if name in ("blocktranslate", "blocktrans"):
                blocktranslate = True
            elif name in ("endblocktranslate", "endblocktrans"):
                blocktranslate = False
            elif name == "comment":
                comment = True
            elif name == "endcomment":
                comment = False
            elif name == "block" and contents.split()[1:2] == ["body_class"]:
                css_class = True  # a CSS class name, not text
            elif name == "endblock":
                css_class = False
            elif name == "verbatim":
                verbatim = True
            elif name == "endverbatim":
                verbatim = False
            out.append(MARK)
        elif token.token_type == TokenType.VAR:
            if "pluralize" in contents:
                plurals.append(contents)
            out.append(MARK)
        elif token.token_type == TokenType.TEXT and not (
            blocktranslate or comment or verbatim or css_class
        ):
            out.append(token.contents)
        else:
            out.append(MARK)
    return "".join(out), plurals


def _words(text: str) -> str:
    for allowed in UNTRANSLATED:
        text = text.replace(allowed, " ")
    text = text.replace(MARK, " ")
    return " ".join(WORD.findall(text))


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        # Inside <script> or <style>, or literal text: <code> (column names), <kbd> (keys).
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in LITERAL:
            self._skip += 1
        attributes = dict(attrs)
        for name, value in attrs:
            read = name in READ_ATTRIBUTES or (
                name == "value"
                and tag == "input"
                and attributes.get("type") in ("submit", "button", "reset")
            )
            if read and value and _words(value):
                self.found.append(f'<{tag} {name}="{value.replace(MARK, "…")}">')

    def handle_endtag(self, tag):
        if tag in LITERAL and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and _words(data):
            self.found.append(" ".join(data.replace(MARK, "…").split()))


def untranslated(source: str) -> tuple[list[str], list[str]]:
    skeleton, plurals = _skeleton(source)
    parser = _VisibleText()
    parser.feed(skeleton)
    parser.close()
    return parser.found, plurals


@pytest.mark.parametrize(
    "path", staff_templates(), ids=lambda p: str(p.relative_to(ROOT)).replace("/templates/", ":")
)
def test_staff_template_marks_every_visible_text_for_translation(path):
    found, plurals = untranslated(path.read_text(encoding="utf-8"))
    assert not found, f"text outside {{% translate %}} in {path.relative_to(ROOT)}: {found}"
    assert not plurals, f"`pluralize` is English-only; use blocktranslate count: {plurals}"


MESSAGE = re.compile(
    r"\{% blocktranslate[^%]*%\}(.*?)\{% endblocktranslate %\}"
    r"|\{% translate \"([^\"]*)\"[^%]*%\}|\{% translate '([^']*)'[^%]*%\}",
    re.S,
)
OPEN_TAG = re.compile(r"<([a-z][a-z0-9]*)[\s>]")
CLOSE_TAG = re.compile(r"</([a-z][a-z0-9]*)>")
VOID = {"br", "img", "input", "wbr", "hr"}


def unbalanced_messages(source: str) -> list[str]:
    """Messages whose markup opens a tag it does not close (or closes one it did not
    open): a translator cannot move such a fragment without breaking the page."""
    found = []
    for match in MESSAGE.finditer(source):
        body = next(group for group in match.groups() if group is not None)
        for form in body.split("{% plural %}"):
            opened = sorted(t for t in OPEN_TAG.findall(form) if t not in VOID)
            if opened != sorted(CLOSE_TAG.findall(form)):
                found.append(form)
    return found


@pytest.mark.parametrize(
    "path", staff_templates(), ids=lambda p: str(p.relative_to(ROOT)).replace("/templates/", ":")
)
def test_staff_template_messages_carry_whole_elements(path):
    assert unbalanced_messages(path.read_text(encoding="utf-8")) == []


def test_a_message_with_a_stray_closing_tag_is_found():
    source = (
        "{% load i18n %}<span>{% blocktranslate with n=x %}Likely {{ n }}</span>"
        '{% endblocktranslate %} {% translate "<strong>Fine</strong>, <br>too" %}'
    )
    assert unbalanced_messages(source) == ["Likely {{ n }}</span>"]


@pytest.mark.parametrize(
    "path", staff_templates(), ids=lambda p: str(p.relative_to(ROOT)).replace("/templates/", ":")
)
def test_staff_template_compiles(path):
    """A `{% translate %}` without `{% load i18n %}` fails only when the page is drawn."""
    engines["django"].from_string(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<h1>Customers</h1>", ["Customers"]),
        ('<a title="Edit item">{{ x }}</a>', ['<a title="Edit item">']),
        ('<input type="submit" value="Save">', ['<input value="Save">']),
        ('<button data-confirm="Remove {{ n }}?">', ['<button data-confirm="Remove …?">']),
        ("{% load i18n %}<h1>{% translate 'Customers' %}</h1>", []),
        ("{% blocktranslate trimmed %}Hello {{ name }}{% endblocktranslate %}", []),
        ("<p>{{ organisation.name }} — {{ count }}</p>", []),
        ("<p>Open Chair · CSV</p>", []),
        ("{% block body_class %}board-pack{% endblock %}", []),
        ("<p><code>organisation, tier</code> <kbd>Alt+N</kbd></p>", []),
        ("{% comment %}Not shown{% endcomment %}<script>let label = 'x';</script>", []),
        ('<a title="{% translate "Edit" %}" class="button">', []),
    ],
)
def test_the_heuristic_finds_visible_words_and_only_those(source, expected):
    found, _plurals = untranslated(source)
    assert found == expected


def test_the_heuristic_refuses_pluralize():
    _found, plurals = untranslated("{{ count }} item{{ count|pluralize }}")
    assert plurals == ["count|pluralize"]
