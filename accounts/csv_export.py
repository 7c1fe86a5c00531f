"""The one CSV writer: every export (customers, a meeting's feedback, the dashboard) and
the customer import's formula check go through it.

What it guarantees, for every cell of every row, the header included:
- a cell a spreadsheet would run as a formula (CSV injection) is written with a leading
  apostrophe: one starting with `=`, `+`, `-`, `@`, a tab or a line break, also after
  leading whitespace (" =HYPERLINK(…)"), unless it is only a number or a phone number
  (with no letters it cannot call anything); `unwrap_neutralised` gives the value back, so
  an exported customer file imports unchanged;
- the text starts with a UTF-8 byte order mark, so that Excel reads accents;
- lines end with CRLF (RFC 4180), fields are quoted when they must be.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

BOM = "\ufeff"
# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
# ...unless it is only a number or a phone number: with no letters it cannot call anything.
_HARMLESS = re.compile(r"[+\-]?[\d\s().\-/]+")


def is_formula(value: str) -> bool:
    """True when a spreadsheet would treat the cell as a formula (CSV injection)."""
    if not value:
        return False
    for candidate in (value, value.lstrip()):
        if candidate.startswith(FORMULA_PREFIXES) and not _HARMLESS.fullmatch(candidate.strip()):
            return True
    return False


def neutralise(value) -> str:
    """A cell safe to open in a spreadsheet: formula-like text gets a leading apostrophe.

    A value that already starts with apostrophes before a formula gets one more, so that
    `unwrap_neutralised` gives back exactly the original value.
    """
    text = "" if value is None else str(value)
    return f"'{text}" if is_formula(text.lstrip("'")) else text


def unwrap_neutralised(value: str) -> str:
    """The value a neutralised cell stood for (`'=x` is `=x`); other cells unchanged."""
    if value.startswith("'") and is_formula(value.lstrip("'")):
        return value[1:]
    return value


def formula_start(value: str) -> str:
    """How a formula-like cell starts, in words a person can act on."""
    first = value.lstrip(" ")[:1]
    words = {"\t": _("a tab"), "\r": _("a line break"), "\n": _("a line break")}
    return words.get(first, f"“{first}”")


class _Line:
    """A file-like object whose `write` hands the line back (for streaming)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """The export as lines of text: the BOM, the header, then each row, every cell safe."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield BOM + writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    return "".join(csv_lines(header, rows))


def csv_response(
    filename: str, header: Iterable, rows: Iterable[Iterable], *, stream: bool = False
) -> HttpResponse | StreamingHttpResponse:
    """A download of the export; with `stream`, rows are read as they are sent (large
    exports), otherwise written out first."""
    lines = csv_lines(header, rows)
    content_type = "text/csv; charset=utf-8"
    if stream:
        response = StreamingHttpResponse(lines, content_type=content_type)
    else:
        response = HttpResponse("".join(lines), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
