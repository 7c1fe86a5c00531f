"""Highlights: the two question lists ("what to simplify", "what we dream of") a redacted
text answers, the filter dimensions each highlight stores, and their writing (moved out
of dashboard/themes.py, #19)."""

from __future__ import annotations

import re

from django.db.models.functions import TruncMonth

from feedback.models import FeedbackItem
from feedback.redaction import register_redactor

from .bulk import insert_rows
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


# The values `_dimension_rows` reads after the id: HIGHLIGHT_DIMENSIONS, as the item has them.
DIMENSION_FIELDS = ("meeting_id", "month", "meeting__region_id", "meeting__country",
                    "meeting__type", "meeting__kind", "section", "kind", "sentiment",
                    "stage_id")  # fmt: skip


def _dimension_rows():

    return (
        FeedbackItem.objects.order_by()
        .annotate(month=TruncMonth("meeting_date"))
        .values_list("pk", *DIMENSION_FIELDS)
    )


def highlight_dimensions() -> dict[int, dict]:
    """Every item's filter dimensions, as Highlight stores them."""
    return {
        pk: dict(zip(HIGHLIGHT_DIMENSIONS, values, strict=True))
        for pk, *values in _dimension_rows().iterator(20_000)
    }


def _highlights_write(found: list[tuple[int, str]]) -> None:
    """Write the highlights, BATCH items at a time (their texts are not kept meanwhile).

    Quoted to executives: each text is read again by the redactor as the register is
    now, so a name learnt since the item was captured does not reach the dashboard."""
    redact = register_redactor().redact
    for start in range(0, len(found), BATCH):
        chunk = found[start : start + BATCH]
        items = {
            pk: (text, dims)
            for pk, text, *dims in _dimension_rows()
            .filter(pk__in=sorted({pk for pk, _ in chunk}))
            .values_list("pk", "text", *DIMENSION_FIELDS)
        }
        insert_rows(
            Highlight,
            ("item_id", "list", "text", *HIGHLIGHT_DIMENSIONS),
            [
                (pk, value, redact(items[pk][0]), *items[pk][1])
                for pk, value in chunk
                if pk in items
            ],
        )
