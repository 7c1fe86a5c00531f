"""The anonymised export (CSV and JSON): one row per feedback item, suppressed.

Columns: month, region, agenda section, kind, sentiment, theme, redacted text — never a
meeting, a date, an organisation or a participant. A row's region is shown only when the
feedback of that month and region comes from meetings with enough organisations behind
it; the rows whose region is blanked in a month must together have enough organisations
too (otherwise they could be told apart by elimination), or they are left out.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator

from django.db.models.functions import TruncMonth

from feedback.models import FeedbackItem
from meetings.models import Section

from .selectors import Filters, item_q
from .suppression import Orgs, hidden_note, slices_from_queryset

COLUMNS = ["month", "region", "section", "kind", "sentiment", "theme", "text"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Stop spreadsheets from running a cell as a formula (CSV injection)."""
    return "'" + value if value and value.startswith(FORMULA_STARTS) else value


def export_rows(filters: Filters) -> Iterator[dict]:
    items = (
        FeedbackItem.objects.filter(item_q(filters))
        .annotate(month=TruncMonth("meeting_date"))
        .order_by("meeting_date", "pk")
    )
    groups = slices_from_queryset(items, ["month", "meeting__region_id"])
    show_region: set[tuple] = set()
    blanked: dict = defaultdict(list)
    for key, group in groups.items():
        if group.organisations.enough:
            show_region.add(key)
        else:
            blanked[key[0]].append(group.organisations)
    keep_blank_months = {m for m, orgs in blanked.items() if Orgs.union(orgs).enough}
    labels = dict(Section.choices)
    kinds = dict(FeedbackItem.Kind.choices)
    sentiments = dict(FeedbackItem.Sentiment.choices)
    rows = items.values_list(
        "month",
        "meeting__region_id",
        "meeting__region__name",
        "section",
        "kind",
        "sentiment",
        "theme_link__theme__name",
        "text",
    )
    for month, region_id, region, section, kind, sentiment, theme, text in rows.iterator(
        chunk_size=5000
    ):
        if (month, region_id) in show_region:
            shown_region = region
        elif month in keep_blank_months:
            shown_region = ""
        else:
            continue
        yield {
            "month": month.strftime("%Y-%m"),
            "region": shown_region,
            "section": labels.get(section, section),
            "kind": kinds.get(kind, kind),
            "sentiment": sentiments.get(sentiment, sentiment),
            "theme": theme or "",
            "text": text,
        }


class _Echo:
    def write(self, value):
        return value


def csv_lines(filters: Filters) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for row in export_rows(filters):
        yield writer.writerow([neutralise(str(row[c])) for c in COLUMNS])


def json_chunks(filters: Filters) -> Iterator[str]:
    head = {"columns": COLUMNS, "suppression": hidden_note()}
    yield json.dumps(head)[:-1] + ', "items": ['
    first = True
    for row in export_rows(filters):
        yield ("" if first else ",") + json.dumps(row, ensure_ascii=False)
        first = False
    yield "]}"
