"""The anonymised export (CSV and JSON): one row per feedback item, suppressed.

Columns: month, region, agenda section, kind, sentiment, theme, redacted text — never a
meeting, a date finer than the month, an organisation or a participant. Only items whose
atomic cell passes (anonymity.suppression) are exported, the same cells the figures are
summed from, and only items the last refresh counted: counting exported rows by any
columns gives sums of passing cells, never a hidden one. Rows are ordered by their
columns and text, not by meeting or capture order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.db.models.functions import TruncMonth

from anonymity.policy import published_note
from feedback.models import FeedbackItem
from meetings.models import Section

from .aggregates import CUBE_FIELDS
from .models import FeedbackCube
from .selectors import Filters, cube_rows, cube_state, item_q

COLUMNS = ["month", "region", "section", "kind", "sentiment", "theme", "text"]


def export_rows(filters: Filters) -> Iterator[dict]:
    state = cube_state()
    if state is None:
        return
    passing = set(
        cube_rows(filters, FeedbackCube.objects.order_by()).values_list(*CUBE_FIELDS).distinct()
    )
    items = (
        FeedbackItem.objects.filter(item_q(filters), pk__lte=state.last_item_id)
        .annotate(
            month=TruncMonth("meeting_date"),
            answered=Q(kind=FeedbackItem.Kind.CONCERN)
            & Q(meeting__follow_up__published_at__isnull=False),
        )
        .order_by("month", "meeting__region__name", "section", "kind", "sentiment", "text", "pk")
    )
    # Plain strings in the reader's language (JSON cannot hold lazy translations).
    labels = {value: str(label) for value, label in Section.choices}
    kinds = {value: str(label) for value, label in FeedbackItem.Kind.choices}
    sentiments = {value: str(label) for value, label in FeedbackItem.Sentiment.choices}
    rows = items.values_list(
        "month",
        "meeting__region_id",
        "meeting__country",
        "meeting__type",
        "meeting__kind",
        "section",
        "kind",
        "sentiment",
        "stage_id",
        "theme_link__theme_id",
        "answered",
        "meeting__region__name",
        "theme_link__theme__name",
        "text",
    )
    for *cell, region, theme, text in rows.iterator(chunk_size=5000):
        month, region_id, country, type_, meeting_kind, section, kind, sentiment = cell[:8]
        key = (
            month,
            region_id,
            str(country),
            type_,
            meeting_kind or "",
            section,
            kind,
            sentiment,
            cell[8],
            cell[9],
            bool(cell[10]),
        )
        if key not in passing:
            continue
        yield {
            "month": month.strftime("%Y-%m"),
            "region": region,
            "section": labels.get(section, section),
            "kind": kinds.get(kind, kind),
            "sentiment": sentiments.get(sentiment, sentiment),
            "theme": theme or "",
            "text": text,
        }


def csv_rows(filters: Filters) -> Iterator[list]:
    """The export's rows in `COLUMNS` order, for the one CSV writer (`accounts.csv_export`)."""
    for row in export_rows(filters):
        yield [row[c] for c in COLUMNS]


def json_chunks(filters: Filters) -> Iterator[str]:
    head = {"columns": COLUMNS, "suppression": published_note()}
    yield json.dumps(head, cls=DjangoJSONEncoder)[:-1] + ', "items": ['
    first = True
    for row in export_rows(filters):
        # Labels (sections, kinds) are translatable: the encoder writes them as text.
        yield ("" if first else ",") + json.dumps(row, ensure_ascii=False, cls=DjangoJSONEncoder)
        first = False
    yield "]}"
