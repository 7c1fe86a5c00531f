"""Live figures: the aggregates follow each change to a meeting's feedback or guests.

`meetings_apply(meeting_ids=…)` brings the cube, its roll-ups, the meeting signals and
the published flags of quotes up to date for those meetings, as `cube_refresh` would
have left them, without reading anything else:

- the meetings' items are grouped again (`aggregates.item_groups`, the rebuild's own
  grouping) and replace their `CubeContribution` rows;
- every atomic cell those meetings touched before or touch now is recounted from its
  contributions: its count is their sum, its organisations the union of its meetings'
  counted guests, and it is published only when `suppression.cell_passes` says so — the
  same rule, on the same cell, as the rebuild; a cell that starts or stops passing adds
  or removes its whole count from the roll-ups, never a part of it;
- the meetings' highlights are rewritten from their items' texts as they are now
  (`highlights.highlights_rewrite`, the rebuild's own writer): a captured "dream" is
  listed, a corrected item's old wording and a removed item's are gone;
- the quotes (theme examples, highlights) of those cells are published or withdrawn
  with their cell, and each meeting's signal and its meeting cell are recomputed.

It recomputes from the items rather than adding +1/-1, so applying it twice, late or
out of order gives the same tables: the nightly rebuild (`cube_refresh`) finds no drift
(`tests/dashboard/test_live.py` checks it after random changes). It runs after the
change commits: the feedback app's `items_changed` and the meetings app's
`attendance_changed`, `meeting_changed` and `meeting_cancelled` signals (connected in
`DashboardConfig.ready`) queue the Celery task `dashboard.apply_changes`, which eager
Celery (SQLite, tests) runs at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import F, Max, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from anonymity.policy import cell_passes, guest_organisations_by_meeting, min_organisations
from feedback.models import FeedbackItem
from feedback.selectors import meeting_kind_suggestions
from meetings.models import Meeting

from .aggregates import (
    BY_DIMENSION_FIELDS,
    CUBE_FIELDS,
    ITEM_DIMENSIONS,
    MEETING_FIELDS,
    MONTHLY_FIELDS,
    answered_meetings,
    by_dimension_keys,
    cell_key,
    item_groups,
    meeting_cell,
    meeting_dimensions,
    meeting_signal,
    monthly_key,
    refresh_lock,
)
from .highlights import highlights_rewrite
from .models import (
    CubeContribution,
    CubeState,
    FeedbackByDimension,
    FeedbackCube,
    FeedbackMonthly,
    Highlight,
    MeetingSignal,
    ThemeItem,
)
from .themes import theme_assign

# Cells looked up per query (an OR of their keys).
CHUNK = 200


def meetings_apply(*, meeting_ids: Iterable[int]) -> int:
    """Bring the aggregates up to date for these meetings; returns the cells recounted.

    Guarantees: afterwards every table the dashboard reads holds, for the cells these
    meetings touch, what a full rebuild would (only passing cells, sums of passing
    cells, quotes only from passing cells); nothing happens before the first rebuild.
    """
    ids = sorted({int(m) for m in meeting_ids})
    if not ids:
        return 0
    with transaction.atomic():
        refresh_lock()
        state = CubeState.objects.order_by("pk").select_for_update().first()
        if state is None:  # no cube yet: the first rebuild counts everything
            return 0
        return _apply(ids, state)


def _apply(ids: list[int], state: CubeState) -> int:
    theme_assign(meeting_ids=ids)
    meetings = meeting_dimensions(
        Meeting.objects.filter(pk__in=ids).order_by().values_list(*MEETING_FIELDS)
    )
    answered = answered_meetings(ids)
    old = {
        (row[0], *row[1:-1]): row[-1]
        for row in CubeContribution.objects.filter(meeting_id__in=ids).values_list(
            "meeting_id", *CUBE_FIELDS, "n"
        )
    }
    new: dict[tuple, int] = {}
    items = FeedbackItem.objects.filter(meeting_id__in=list(meetings))
    for meeting_id, *values, n in item_groups(items):
        key = cell_key(meetings[meeting_id], meeting_id in answered, *values)
        new[(meeting_id, *key)] = n
    CubeContribution.objects.filter(meeting_id__in=ids).delete()
    CubeContribution.objects.bulk_create(
        CubeContribution(meeting_id=row[0], n=n, **dict(zip(CUBE_FIELDS, row[1:], strict=True)))
        for row, n in new.items()
    )
    cells = {row[1:] for row in old} | {row[1:] for row in new}
    published_change = _recount(cells)
    highlights_rewrite(meeting_ids=ids)
    _publish_quotes(cells)
    _signals_apply(ids)
    state.feedback_items += sum(new.values()) - sum(old.values())
    state.published_items += published_change
    newest = items.aggregate(last=Max("pk"))["last"] or 0
    state.last_item_id = max(state.last_item_id, newest)
    state.refreshed_at = timezone.now()
    state.save(update_fields=["feedback_items", "published_items", "last_item_id", "refreshed_at"])
    return len(cells)


def _key_q(fields: tuple[str, ...], key: tuple, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}{name}__isnull" if value is None else f"{prefix}{name}": (
                True if value is None else value
            )
            for name, value in zip(fields, key, strict=True)
        }
    )


# How many leading fields of a key its table is narrowed by in SQL (the rest is matched
# here): building one ORM condition per key cost a second per hundred keys.
PREFIX = {CUBE_FIELDS: 5, MONTHLY_FIELDS: 2, BY_DIMENSION_FIELDS: 4}


def _rows(model, fields: tuple[str, ...], keys: Iterable[tuple], extra=("n",)):
    """{key: [row values after the key]} of `model` for these keys: one query per few
    leading values (a meeting's cells share month, region, country, type and kind)."""
    wanted = set(keys)
    width = PREFIX[fields]
    prefixes = {key[:width] for key in wanted}
    found: dict[tuple, list] = {}
    prefixes = sorted(prefixes, key=repr)
    for start in range(0, len(prefixes), CHUNK):
        condition = reduce(
            or_, (_key_q(fields[:width], p) for p in prefixes[start : start + CHUNK])
        )
        for row in model.objects.filter(condition).values_list(*fields, *extra):
            key = tuple(row[: len(fields)])
            if key in wanted:
                found.setdefault(key, []).append(row[len(fields) :])
    return found


def _recount(cells: set[tuple]) -> int:
    """Recount these atomic cells from their contributions; move the roll-ups by the
    change of each cell's published count. Returns the change of published items."""
    contributions = _rows(CubeContribution, CUBE_FIELDS, cells, extra=("meeting_id", "n"))
    meeting_ids = {m for rows in contributions.values() for m, _n in rows}
    organisations = guest_organisations_by_meeting(meeting_ids)
    published = {key: rows[0][0] for key, rows in _rows(FeedbackCube, CUBE_FIELDS, cells).items()}
    change: dict[tuple, int] = {}
    for key in cells:
        rows = contributions.get(key, [])
        orgs = set().union(*(organisations.get(m, ()) for m, _n in rows))
        now = sum(n for _m, n in rows) if rows and cell_passes(orgs) else 0
        if now != published.get(key, 0):
            change[key] = now - published.get(key, 0)
    if not change:
        return 0
    _move(FeedbackCube, CUBE_FIELDS, change)
    monthly: dict[tuple, int] = defaultdict(int)
    by_dimension: dict[tuple, int] = defaultdict(int)
    for key, d in change.items():
        monthly[monthly_key(key)] += d
        for short in by_dimension_keys(key):
            by_dimension[short] += d
    _move(FeedbackMonthly, MONTHLY_FIELDS, monthly)
    _move(FeedbackByDimension, BY_DIMENSION_FIELDS, by_dimension)
    return sum(change.values())


def _move(model, fields: tuple[str, ...], change: dict[tuple, int]) -> None:
    """Add each change to its row: create it, update it, or delete it at zero."""
    change = {key: d for key, d in change.items() if d}
    existing = {
        key: rows[0] for key, rows in _rows(model, fields, change, extra=("pk", "n")).items()
    }
    created = []
    for key, d in change.items():
        if key in existing:
            pk, n = existing[key]
            if n + d == 0:
                model.objects.filter(pk=pk).delete()
            else:
                model.objects.filter(pk=pk).update(n=F("n") + d)
        else:
            created.append(
                model(**dict(zip(fields, key, strict=True)), n=d, safe=True, organisations=[])
            )
    model.objects.bulk_create(created)


def _publish_quotes(cells: set[tuple]) -> None:
    """Publish or withdraw the quotes (theme examples, highlights) of these cells."""
    meetings = {
        m
        for rows in _rows(CubeContribution, CUBE_FIELDS, cells, extra=("meeting_id",)).values()
        for (m,) in rows
    }
    passing = set(_rows(FeedbackCube, CUBE_FIELDS, cells, extra=("pk",)))
    if not meetings:
        return
    dimensions = meeting_dimensions(
        Meeting.objects.filter(pk__in=meetings).order_by().values_list(*MEETING_FIELDS)
    )
    answered = answered_meetings(meetings)
    quotable = (
        FeedbackItem.objects.filter(meeting_id__in=meetings)
        .filter(Q(theme_link__example=True) | Q(highlights__isnull=False))
        .order_by()
        .annotate(month=TruncMonth("meeting_date"))
        .values_list("pk", "meeting_id", *ITEM_DIMENSIONS)
        .distinct()
    )
    shown, withdrawn = [], []
    for pk, meeting_id, *values in quotable:
        key = cell_key(dimensions[meeting_id], meeting_id in answered, *values)
        if key in cells:
            (shown if key in passing else withdrawn).append(pk)
    for queryset in (ThemeItem.objects.filter(example=True), Highlight.objects.all()):
        queryset.filter(item_id__in=shown, published=False).update(published=True)
        queryset.filter(item_id__in=withdrawn, published=True).update(published=False)
    kinds = dict(Meeting.objects.filter(pk__in=meetings).values_list("pk", "kind"))
    for meeting_id, kind in kinds.items():
        Highlight.objects.filter(meeting_id=meeting_id).exclude(meeting_kind=kind).update(
            meeting_kind=kind
        )


def _signals_apply(ids: list[int]) -> None:
    """Recompute these meetings' signals, and publish their meeting cells, old and new."""
    threshold = min_organisations()
    before = list(MeetingSignal.objects.filter(meeting_id__in=ids))
    touched = {meeting_cell(signal) for signal in before}
    MeetingSignal.objects.filter(meeting_id__in=ids).delete()
    rows = list(
        Meeting.objects.filter(pk__in=ids)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by()
        .values_list("id", "starts_at", "region_id", "country", "type", "kind", "status")
    )
    said = meeting_kind_suggestions([r[0] for r in rows], statuses={r[0]: r[6] for r in rows})
    organisations = guest_organisations_by_meeting([r[0] for r in rows])
    signals = [meeting_signal(row, said, organisations, threshold) for row in rows]
    touched |= {meeting_cell(signal) for signal in signals}
    MeetingSignal.objects.bulk_create(signals)
    # Whether a meeting cell passes depends on every meeting in it: recompute them all.
    fields = ("month", "region_id", "country", "meeting_type", "kind", "suggestion")
    for key in touched:
        members = dict(
            MeetingSignal.objects.filter(_key_q(fields, key)).values_list("meeting_id", "published")
        )
        everyone = set().union(*guest_organisations_by_meeting(members).values())
        passes = cell_passes(everyone)
        stale = [m for m, published in members.items() if published != passes]
        if stale:
            MeetingSignal.objects.filter(meeting_id__in=stale).update(published=passes)
