"""How many customer organisations endorse each charter expectation, for staff.

Every figure goes through `anonymity.suppression` (the dashboard's small-cell rule):
fewer than the threshold of organisations behind it and it is hidden.
"""

from __future__ import annotations

import uuid

from anonymity.suppression import Slice, suppress_slices

from .endorsement_model import CharterEndorsement


def endorsement_figures(*, charter) -> dict[uuid.UUID, Slice]:
    """Per expectation (lineage): how many customer organisations endorse it, through the
    small-cell rule (fewer than the threshold: hidden). The figure is per lineage, so
    every version of the charter shows the same one, and no total or other stance is
    shown beside it: no two figures a viewer can see differ by a hidden group. Suggested
    changes are shown (redacted, without their organisation) only where enough
    organisations answered on that expectation."""
    agree: dict[uuid.UUID, set[int]] = {}
    answered: dict[uuid.UUID, set[int]] = {}
    suggestions: dict[uuid.UUID, list[str]] = {}
    rows = CharterEndorsement.objects.filter(charter=charter).values_list(
        "lineage", "organisation_id", "stance", "suggestion"
    )
    for lineage, organisation, stance, suggestion in rows:
        answered.setdefault(lineage, set()).add(organisation)
        if stance == CharterEndorsement.Stance.AGREE:
            agree.setdefault(lineage, set()).add(organisation)
        elif stance == CharterEndorsement.Stance.SUGGEST and suggestion:
            suggestions.setdefault(lineage, []).append(suggestion)
    figures = {
        lineage: Slice(lineage, len(agree.get(lineage, ())), frozenset(agree.get(lineage, ())))
        for lineage in answered
    }
    suppress_slices(list(figures.values()))
    quotes = [
        Slice(lineage, len(texts), frozenset(answered[lineage]), extra={"quotes": sorted(texts)})
        for lineage, texts in suggestions.items()
    ]
    suppress_slices(quotes)
    for quote in quotes:
        if not quote.hidden:
            figures[quote.key].extra["suggestions"] = quote.extra["quotes"]
    return figures
