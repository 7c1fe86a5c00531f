"""The maintained aggregates: `FeedbackCube`, its roll-ups and `MeetingSignal`, one service.

The dashboard never scans feedback items on a page view: it sums aggregate rows (a few
thousand for the usual views, up to the whole cube only when two or more of country,
meeting type, meeting kind and journey stage are combined) and reads the exact
organisation sets of the few small rows. `cube_refresh()` rebuilds everything from one
grouped read of the items and, for the highlights, one read of their texts; the Celery
task `dashboard.refresh_aggregates` runs it on a beat schedule, after every theme
recomputation, and when an executive asks for it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from anonymity.policy import cell_passes, counted_booking_q, min_organisations
from feedback.models import FeedbackItem
from feedback.selectors import meeting_kind_suggestions
from meetings.models import Booking, Meeting

from .bulk import insert_rows, vacuum
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

REFRESH_LOCK = 80_08  # any constant: identifies the dashboard refresh among advisory locks
# Grouped in the database per meeting; the meeting's own dimensions (region, country,
# type, kind) are added from one read of the meetings, so the big query needs no join.
ITEM_DIMENSIONS = ("month", "section", "kind", "sentiment", "stage_id", "theme_link__theme_id")
CUBE_FIELDS = (
    "month",
    "region_id",
    "country",
    "meeting_type",
    "meeting_kind",
    "section",
    "kind",
    "sentiment",
    "stage_id",
    "theme_id",
    "answered",
)


def meeting_organisations() -> dict[int, frozenset[int]]:
    """Every meeting's counted guest organisations, in one query."""
    result: dict[int, set[int]] = defaultdict(set)
    rows = (
        Booking.objects.filter(counted_booking_q())
        .values_list("meeting_id", "contact__organisation_id")
        .distinct()
        .order_by()
    )
    for meeting_id, organisation_id in rows.iterator(chunk_size=20_000):
        result[meeting_id].add(organisation_id)
    return {m: frozenset(o) for m, o in result.items()}


MEETING_FIELDS = ("pk", "region_id", "country", "type", "kind")


def meeting_dimensions(rows) -> dict[int, tuple]:
    """{meeting id: (region, country, type, kind)} from `MEETING_FIELDS` rows."""
    return {
        pk: (region_id, str(country), type_, kind or "")
        for pk, region_id, country, type_, kind in rows
    }


def answered_meetings(meeting_ids=None) -> set[int]:
    """Meetings whose "you said, we did" is published (their concerns are answered)."""
    rows = Meeting.objects.filter(follow_up__published_at__isnull=False)
    if meeting_ids is not None:
        rows = rows.filter(pk__in=list(meeting_ids))
    return set(rows.order_by().values_list("pk", flat=True))


def cell_key(
    meeting: tuple, answered: bool, month, section, kind, sentiment, stage_id, theme_id
) -> tuple:
    """The atomic cell (CUBE_FIELDS order) of an item with these values in a meeting with
    dimensions `meeting` (`meeting_dimensions`) and "you said, we did" `answered`."""
    was_answered = kind == FeedbackItem.Kind.CONCERN and answered
    return (month, *meeting, section, kind, sentiment, stage_id, theme_id, was_answered)


def item_groups(items):
    """(meeting id, month, section, kind, sentiment, stage, theme, count) of `items`:
    the one grouping both the full refresh and the live update read."""
    return (
        items.order_by()
        .annotate(month=TruncMonth("meeting_date"))
        .values_list("meeting_id", *ITEM_DIMENSIONS)
        .annotate(n=Count("id"))
    )


def monthly_key(key: tuple) -> tuple:
    return (key[0], key[1], key[5], key[6], key[7], key[9], key[10])


def by_dimension_keys(key: tuple) -> list[tuple]:
    """The FeedbackByDimension rows a cube cell counts in (one per set dimension)."""
    return [
        (dimension, str(key[p]), key[0], key[1], key[5], key[6], key[7], key[9], key[10])
        for dimension, p in BY_DIMENSION.items()
        if key[p] is not None and key[p] != ""
    ]


def cube_refresh() -> CubeState:
    """Rebuild the cube, the meeting signals and the highlights from scratch, atomically.

    Guarantees: the cube and its roll-ups hold only atomic cells that pass
    (`anonymity.policy.cell_passes`: at least the threshold of distinct guest
    organisations in the cell itself), so every figure read from them is a sum of
    passing cells; only example quotes and highlights whose item lies in a passing cell
    are marked `published`; only meeting signals in a passing meeting cell are. Every
    highlight is rewritten from its item's text, redacted as the register is now.

    The live updates (`dashboard.live`) keep the same tables between two rebuilds; this
    one holds the same lock from its first read to its commit, so a live update waits
    and then recomputes its meeting from what this rebuild wrote and the items as they
    are: nothing is lost between the two, and a rebuild finds no drift.
    """
    started = time.perf_counter()
    with transaction.atomic():
        refresh_lock()
        state = _rebuild()
    vacuum(
        FeedbackCube,
        FeedbackMonthly,
        FeedbackByDimension,
        CubeContribution,
        MeetingSignal,
        Highlight,
    )
    state.seconds = time.perf_counter() - started
    CubeState.objects.filter(pk=state.pk).update(seconds=state.seconds)
    return state


def refresh_lock() -> None:
    """Serialise rebuilds and live updates (PostgreSQL; SQLite serialises writers itself)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])


def _rebuild() -> CubeState:
    threshold = min_organisations()
    last_item_id = FeedbackItem.objects.aggregate(last=Max("pk"))["last"] or 0
    organisations = meeting_organisations()
    answered = answered_meetings()
    cells: dict[tuple, list] = {}
    contributions: dict[tuple, int] = {}
    items = 0
    meeting_rows = Meeting.objects.order_by().values_list(*MEETING_FIELDS)
    meetings = meeting_dimensions(meeting_rows.iterator(chunk_size=20_000))

    def key_of(meeting_id, month, section, kind, sentiment, stage_id, theme_id) -> tuple:
        if meeting_id not in meetings:  # created while this refresh was reading
            meetings.update(meeting_dimensions(meeting_rows.filter(pk=meeting_id)))
        return cell_key(
            meetings[meeting_id],
            meeting_id in answered,
            month,
            section,
            kind,
            sentiment,
            stage_id,
            theme_id,
        )

    rows = item_groups(FeedbackItem.objects.filter(pk__lte=last_item_id))
    empty: frozenset[int] = frozenset()
    for meeting_id, *values, n in rows.iterator(chunk_size=20_000):
        key = key_of(meeting_id, *values)
        items += n
        contributions[(meeting_id, *key)] = n
        cell = cells.get(key)
        if cell is None:
            cells[key] = cell = [0, set()]
        cell[0] += n
        cell[1] |= organisations.get(meeting_id, empty)
    # Only passing atomic cells are kept: a figure cannot be built from what is not there.
    passing = {key: n for key, (n, orgs) in cells.items() if cell_passes(orgs)}
    del cells
    published_items = sum(passing.values())
    monthly = _roll_up(passing, monthly_key)
    by_dimension: dict[tuple, int] = defaultdict(int)
    for key, n in passing.items():
        for short in by_dimension_keys(key):
            by_dimension[short] += n
    # Every item's highlights from its text as it is, redacted as the register is now
    # (and its meeting's kind as it is), before the published ones are chosen.
    highlights_rewrite(meeting_ids=None, up_to=last_item_id)
    quoted = _published_quotes(key_of, passing, last_item_id)
    signals = _meeting_signals(organisations, threshold)
    FeedbackCube.objects.all().delete()
    FeedbackMonthly.objects.all().delete()
    FeedbackByDimension.objects.all().delete()
    CubeContribution.objects.all().delete()
    _bulk_insert(FeedbackCube, CUBE_FIELDS, passing)
    _bulk_insert(FeedbackMonthly, MONTHLY_FIELDS, monthly)
    _bulk_insert(FeedbackByDimension, BY_DIMENSION_FIELDS, by_dimension)
    insert_rows(
        CubeContribution,
        ("meeting_id", *CUBE_FIELDS, "n"),
        ((*key, n) for key, n in contributions.items()),
    )
    MeetingSignal.objects.all().delete()
    MeetingSignal.objects.bulk_create(signals, batch_size=5000)
    _mark_published(ThemeItem.objects.filter(example=True), quoted)
    _mark_published(Highlight.objects.all(), quoted)
    state = CubeState.objects.order_by("pk").first() or CubeState()
    state.refreshed_at = timezone.now()
    state.feedback_items = items
    state.published_items = published_items
    state.last_item_id = last_item_id
    state.save()
    return state


def _published_quotes(key_of, passing: dict[tuple, int], last_item_id: int) -> set[int]:
    """The items that may be quoted (theme examples, highlights) whose cell passes.

    Only items this refresh counted: a quote is always one of the figures' items.
    """
    rows = (
        FeedbackItem.objects.filter(Q(theme_link__example=True) | Q(highlights__isnull=False))
        .filter(pk__lte=last_item_id)
        .order_by()
        .annotate(month=TruncMonth("meeting_date"))
        .values_list("pk", "meeting_id", *ITEM_DIMENSIONS)
        .distinct()
    )
    return {pk for pk, *values in rows.iterator(chunk_size=20_000) if key_of(*values) in passing}


def _mark_published(queryset, items: set[int]) -> None:
    queryset.filter(published=True).update(published=False)
    chosen = sorted(items)
    for start in range(0, len(chosen), 5000):
        queryset.filter(item_id__in=chosen[start : start + 5000]).update(published=True)


MONTHLY_FIELDS = ("month", "region_id", "section", "kind", "sentiment", "theme_id", "answered")
# The cube's dimensions that get their own roll-up, and their position in a cube key.
BY_DIMENSION = {
    FeedbackByDimension.Dimension.COUNTRY.value: CUBE_FIELDS.index("country"),
    FeedbackByDimension.Dimension.MEETING_TYPE.value: CUBE_FIELDS.index("meeting_type"),
    FeedbackByDimension.Dimension.MEETING_KIND.value: CUBE_FIELDS.index("meeting_kind"),
    FeedbackByDimension.Dimension.STAGE.value: CUBE_FIELDS.index("stage_id"),
}
BY_DIMENSION_FIELDS = ("dimension", "value", *MONTHLY_FIELDS)


def _roll_up(cells: dict[tuple, int], project) -> dict[tuple, int]:
    """Sum passing cells into coarser keys (`project(key)`; None leaves a cell out)."""
    result: dict[tuple, int] = defaultdict(int)
    for key, n in cells.items():
        short = project(key)
        if short is not None:
            result[short] += n
    return result


def _bulk_insert(model, fields, cells: dict[tuple, int]) -> None:
    kind = fields.index("meeting_kind") if "meeting_kind" in fields else None

    def rows():
        for key, n in cells.items():
            if kind is not None and key[kind] is None:
                key = (*key[:kind], "", *key[kind + 1 :])
            # Every stored row passes; the columns stay for the readers' sake.
            yield (*key, n, True, [])

    insert_rows(model, (*fields, "n", "safe", "organisations"), rows())


def meeting_signal(row, said: dict, organisations: dict, threshold: int) -> MeetingSignal:
    """A meeting's signal from its row (id, starts_at, region, country, type, kind,
    status), what its guests said (`meeting_kind_suggestions`) and its guest
    organisations: those are kept only when fewer than `threshold` (the row is then not
    safe to show alone)."""
    meeting_id, starts_at, region_id, country, type_, kind, _status = row
    found = said.get(meeting_id)
    orgs = organisations.get(meeting_id, frozenset())
    safe = len(orgs) >= threshold
    return MeetingSignal(
        meeting_id=meeting_id,
        month=starts_at.astimezone(dt.UTC).date().replace(day=1),
        region_id=region_id,
        country=str(country),
        meeting_type=type_,
        kind=kind,
        safe=safe,
        organisations=[] if safe else sorted(orgs),
        guest_items=found.from_guests if found else 0,
        suggestion=found.kind
        if found is not None and found.kind in MeetingSignal.Kind.values
        else "",
    )


def _meeting_signals(organisations: dict[int, frozenset[int]], threshold: int):
    """Per meeting (not cancelled): guest organisations, what guests said, likely kind.

    The likely kind is feedback.selectors.meeting_kind_suggestions' (the one rule the
    meeting and capture pages show; a held meeting with nothing captured is a likely
    Advertisement there too).
    """
    meetings = (
        Meeting.objects.exclude(status=Meeting.Status.CANCELLED)
        .order_by()
        .values_list("id", "starts_at", "region_id", "country", "type", "kind", "status")
    )
    rows = list(meetings.iterator(chunk_size=20_000))
    said = {}
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        said.update(
            meeting_kind_suggestions([r[0] for r in chunk], statuses={r[0]: r[6] for r in chunk})
        )
    signals = [meeting_signal(row, said, organisations, threshold) for row in rows]
    # The atomic meeting cell: every field the meeting-level widgets filter or group by.
    cells: dict[tuple, set[int]] = defaultdict(set)
    for signal in signals:
        cells[meeting_cell(signal)] |= organisations.get(signal.meeting_id, frozenset())
    for signal in signals:
        signal.published = cell_passes(cells[meeting_cell(signal)])
    return signals


def meeting_cell(signal: MeetingSignal) -> tuple:
    return (
        signal.month,
        signal.region_id,
        signal.country,
        signal.meeting_type,
        signal.kind or "",
        signal.suggestion,
    )
