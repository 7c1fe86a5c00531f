"""Highlights: the two question lists ("what to simplify", "what we dream of") a redacted
text answers, the filter dimensions each highlight stores, and their one writer.

The lists depend on an item's text and kind alone, never on the themes: a meeting's
highlights are rewritten with its figures by every live update, and everyone's by the
nightly reconciliation (`highlights_rewrite`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models.functions import TruncMonth

from feedback.models import FeedbackItem
from feedback.redaction import register_redactor

from .bulk import analyze_table, insert_rows
from .models import Highlight

BATCH = 20_000  # items read at a time: their texts are not kept meanwhile

SIMPLIFY_RE = re.compile(
    r"\b(simplif\w*|eliminat\w*|redundant|duplicat\w*|unnecessar\w*|paperwork|"
    r"re-?enter\w*|re-?key\w*|streamlin\w*|get rid of|cut out|drop the|stop (asking|sending)|"
    r"too many (steps|forms|emails|approvals|calls|portals|logins|reports|meetings)|"
    r"(twice|three times)|manual(ly)?)\b",
    re.IGNORECASE,
)
DREAM_RE = re.compile(
    r"\b(dream\w*|wish\w*|would love|we'?d love|love to (see|have)|ideal(ly)?|if only|"
    r"imagine|one day|magic|single (view|place|portal|advocate)|would be (great|amazing))\b",
    re.IGNORECASE,
)


def highlight_lists(*, text: str, kind: str) -> list[str]:
    """Which of the two question lists a redacted text answers (possibly both, or none)."""
    lists = []
    if kind != FeedbackItem.Kind.PRAISE and SIMPLIFY_RE.search(text):
        lists.append(Highlight.List.SIMPLIFY)
    is_idea = kind in (FeedbackItem.Kind.IDEA, FeedbackItem.Kind.EXPECTATION)
    if (is_idea and DREAM_RE.search(text)) or "dream" in text.lower():
        lists.append(Highlight.List.DREAM)
    return lists


HIGHLIGHT_DIMENSIONS = ("meeting_id", "month", "region_id", "country", "meeting_type",
                        "meeting_kind", "section", "kind", "sentiment", "stage_id")  # fmt: skip


# The values `_dimensions` reads after the id: HIGHLIGHT_DIMENSIONS, as the item has them.
DIMENSION_FIELDS = ("meeting_id", "month", "meeting__region_id", "meeting__country",
                    "meeting__type", "meeting__kind", "section", "kind", "sentiment",
                    "stage_id")  # fmt: skip
COLUMNS = ("item_id", "list", "text", *HIGHLIGHT_DIMENSIONS)


def _dimensions(item_ids: list[int]):
    """(id, *HIGHLIGHT_DIMENSIONS) of these items, their meeting's as it is now."""
    return (
        FeedbackItem.objects.filter(pk__in=item_ids)
        .order_by()
        .annotate(month=TruncMonth("meeting_date"))
        .values_list("pk", *DIMENSION_FIELDS)
    )


def highlights_rewrite(*, meeting_ids: Iterable[int] | None, up_to: int | None = None) -> int:
    """Replace the highlights of these meetings' items (every item's when `meeting_ids` is
    None; only items up to id `up_to` when given) with what their texts answer now.
    Returns how many rows were written.

    The one writer of highlights: the live update rewrites a changed meeting's
    (`dashboard.live`), the nightly reconciliation everyone's (`dashboard.aggregates`).
    Quoted to executives: each text is read again by the redactor as the register is
    now, so a name learnt since the item was captured does not reach the dashboard.
    Rows are written unpublished; the caller publishes those of passing cells. Bounded
    memory: BATCH items are read at a time and their texts not kept meanwhile; the
    dimensions are read for the items found only (a fifth of them in the bench's data).
    """
    items = FeedbackItem.objects.all()
    highlights = Highlight.objects.all()
    if meeting_ids is not None:
        ids = sorted(set(meeting_ids))
        items = items.filter(meeting_id__in=ids)
        highlights = highlights.filter(meeting_id__in=ids)
    if up_to is not None:
        items = items.filter(pk__lte=up_to)
    highlights.delete()
    redact = register_redactor().redact
    rows = items.order_by("pk").values_list("pk", "kind", "text")
    written, last = 0, 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:BATCH])
        found: dict[int, tuple[list[str], str]] = {}
        for pk, kind, text in batch:
            lists = highlight_lists(text=text, kind=kind)
            if lists:
                found[pk] = (lists, redact(text))
        if found:
            written += insert_rows(
                Highlight,
                COLUMNS,
                [
                    (pk, value, found[pk][1], *dims)
                    for pk, *dims in _dimensions(list(found))
                    for value in found[pk][0]
                ],
                analyze=False,
            )
        if len(batch) < BATCH:
            break
        last = batch[-1][0]
    if meeting_ids is None:
        analyze_table(Highlight)
    return written
