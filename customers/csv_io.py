"""Reading customer CSV files (decoding, dialect, columns, cells). They are written by the
one CSV writer, `accounts.csv_export`.

Nothing here writes to the database: `customers.services` plans and applies imports.
"""

import codecs
import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for the person uploading."""


# Canonical column -> accepted spellings (compared lower-case, "_" and "-" read as spaces).
COLUMNS: dict[str, tuple[str, ...]] = {
    "organisation": ("organisation", "organization", "organisation name", "organization name"),
    "tier": ("tier",),
    "region": ("region",),
    "country": ("country", "country code"),
    "facets": ("facets", "facet"),
    "notes": ("notes", "organisation notes", "organization notes"),
    "contact_name": ("contact name", "contact", "name"),
    "email": ("email", "contact email", "e mail"),
    "job_title": ("job title", "title"),
    "phone": ("phone", "contact phone", "telephone"),
    "language": ("language",),
    "time_zone": ("time zone", "timezone"),
}
# Columns our own export adds, ignored on import so an exported file imports cleanly.
EXPORT_ONLY_COLUMNS = ("last met", "times met", "contacts")
HEADER_LABELS: dict[str, str] = {
    "organisation": "organisation",
    "tier": "tier",
    "region": "region",
    "country": "country",
    "facets": "facets",
    "notes": "notes",
    "contact_name": "contact name",
    "email": "email",
    "job_title": "job title",
    "phone": "phone",
    "language": "language",
    "time_zone": "time zone",
}


def _normalise_header(text: str) -> str:
    text = text.replace("\ufeff", "").strip().lower().replace("_", " ").replace("-", " ")
    return " ".join(text.split())


_ALIASES = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}


@dataclass
class ParsedFile:
    """The cells of a CSV file, keyed by canonical column, with where each row started."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    encoding: str
    notes: list[str] = field(default_factory=list)


def decode(content: bytes) -> tuple[str, str, list[str]]:
    """Text of an uploaded file, the encoding used, and notes for the person uploading.

    UTF-8 (with or without a byte order mark) and UTF-16 with a BOM are read as such;
    anything else that decodes as Windows-1252 (Excel's "CSV" on Western Windows) is read
    as that, with a note; binaries such as spreadsheets are refused with a clear message.
    """
    if content.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _(
                "This looks like an Excel workbook (.xlsx), not a CSV file. In Excel, choose "
                "File › Save As › “CSV UTF-8 (Comma delimited)” and upload that file."
            )
        )
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16"), "UTF-16", []
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                _("The file says it is UTF-16 but is not readable as such.")
            ) from exc
    if b"\x00" in content:
        raise ImportFileError(
            _(
                "This file is not a text CSV file (it contains binary data). Save it as "
                "“CSV UTF-8” and upload it again."
            )
        )
    try:
        return content.decode("utf-8-sig"), "UTF-8", []
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "The file is not in UTF-8 and could not be read in any encoding we know. Save it "
                "as “CSV UTF-8” and upload it again."
            )
        ) from exc
    return (
        text,
        "Windows-1252",
        [
            _(
                "The file is not UTF-8, so it was read as Windows-1252 (Western European, as "
                "saved by older Excel). Check that accented names look right below; if they do "
                "not, save the file as “CSV UTF-8” and upload it again."
            )
        ],
    )


def _dialect(text: str) -> tuple[str, str]:
    """The delimiter and the text without Excel's optional `sep=` first line."""
    first_line, _, rest = text.partition("\n")
    marker = first_line.strip().lower()
    if marker.startswith("sep=") and len(marker) == 5:
        return first_line.strip()[4], rest
    header = first_line
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get)
    return (delimiter if counts[delimiter] else ","), text


def parse(content: bytes) -> ParsedFile:
    """Cells of a customer CSV file. Raises ImportFileError for a file that cannot be read."""
    limit = settings.MAX_IMPORT_BYTES
    if len(content) > limit:
        raise ImportFileError(too_large_message(len(content)))
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    text, encoding, notes = decode(content)
    delimiter, text = _dialect(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise ImportFileError(_("The first line must name the columns; it is empty."))
        columns: list[str | None] = []
        seen: set[str] = set()
        unknown: list[str] = []
        for cell in header:
            name = _normalise_header(cell)
            column = _ALIASES.get(name)
            if column is None:
                if name and name not in EXPORT_ONLY_COLUMNS:
                    unknown.append(cell.strip())
                columns.append(None)
                continue
            if column in seen:
                raise ImportFileError(
                    _("The column “%(column)s” appears twice in the header.")
                    % {"column": cell.strip()}
                )
            seen.add(column)
            columns.append(column)
        if "organisation" not in seen:
            raise ImportFileError(
                _("The header has no “organisation” column. Expected columns: %(columns)s.")
                % {"columns": ", ".join(HEADER_LABELS.values())}
            )
        if unknown:
            notes.append(
                _("Ignored unknown columns: %(columns)s.")
                % {"columns": ", ".join(f"“{u}”" for u in unknown)}
            )
        rows: list[tuple[int, dict[str, str]]] = []
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
                raise ImportFileError(
                    _(
                        "Line %(line)s has %(cells)s cells but the header names %(columns)s "
                        "columns. Check for a missing quote or an extra delimiter on that line."
                    )
                    % {"line": line, "cells": len(cells), "columns": len(columns)}
                )
            row = {
                column: cells[i] if i < len(cells) else ""
                for i, column in enumerate(columns)
                if column
            }
            rows.append((line, row))
    except csv.Error as exc:
        raise ImportFileError(
            _(
                "The file is not valid CSV near line %(line)s: %(error)s. Check for an unclosed quote."
            )
            % {"line": reader.line_num, "error": exc}
        ) from exc
    if not rows:
        raise ImportFileError(_("The file has a header but no rows to import."))
    return ParsedFile(columns=[c for c in columns if c], rows=rows, encoding=encoding, notes=notes)


def too_large_message(size: int) -> str:
    return _(
        "The file is %(size)s; the largest file accepted is %(limit)s. Split it into smaller "
        "files and import them one after the other."
    ) % {"size": filesizeformat(size), "limit": filesizeformat(settings.MAX_IMPORT_BYTES)}
