"""The maintained aggregates: `FeedbackCube`, its roll-ups and `MeetingSignal`, one service.

The dashboard never scans feedback items on a page view: it sums aggregate rows (a few
thousand for the usual views, up to the whole cube only when two or more of country,
meeting type, meeting kind and journey stage are combined) and reads the exact
organisation sets of the few small rows. `cube_refresh()` rebuilds everything in one
pass over the items; the Celery task `dashboard.refresh_aggregates` runs it on a beat
schedule, after every theme recomputation, and when an executive asks for it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from feedback.models import FeedbackItem
from feedback.selectors import meeting_kind_suggestions
from meetings.models import Booking, Meeting

from .bulk import insert_rows, vacuum
from .models import (
    CubeState,
    FeedbackByDimension,
    FeedbackCube,
    FeedbackMonthly,
    Highlight,
    MeetingSignal,
)
from .suppression import counted_booking_q, min_organisations

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


def cube_refresh() -> CubeState:
    """Rebuild the cube and the meeting signals from scratch, atomically.

    Guarantees: every row's `safe` is true only when the meetings behind it have at
    least the threshold of distinct guest organisations; otherwise `organisations`
    lists exactly those organisations.
    """
    started = time.perf_counter()
    threshold = min_organisations()
    organisations = meeting_organisations()
    cells: dict[tuple, list] = {}
    items = 0
    meeting_rows = Meeting.objects.order_by().values_list(
        "pk", "region_id", "country", "type", "kind"
    )

    def dimensions(rows) -> dict[int, tuple]:
        return {
            pk: (region_id, str(country), type_, kind or "")
            for pk, region_id, country, type_, kind in rows
        }

    meetings = dimensions(meeting_rows.iterator(chunk_size=20_000))
    rows = (
        FeedbackItem.objects.order_by()
        .annotate(month=TruncMonth("meeting_date"))
        .values_list("meeting_id", *ITEM_DIMENSIONS)
        .annotate(n=Count("id"))
    )
    empty: frozenset[int] = frozenset()
    for meeting_id, month, section, kind, sentiment, stage_id, theme_id, n in rows.iterator(
        chunk_size=20_000
    ):
        if meeting_id not in meetings:  # created while this refresh was reading
            meetings.update(dimensions(meeting_rows.filter(pk=meeting_id)))
        key = (month, *meetings[meeting_id], section, kind, sentiment, stage_id, theme_id)
        items += n
        cell = cells.get(key)
        orgs = organisations.get(meeting_id, empty)
        if cell is None:
            safe = len(orgs) >= threshold
            cells[key] = [n, safe, None if safe else set(orgs)]
            continue
        cell[0] += n
        if not cell[1]:
            cell[2] |= orgs
            if len(cell[2]) >= threshold:
                cell[1], cell[2] = True, None
    monthly = _roll_up(
        cells, lambda key: (key[0], key[1], key[5], key[6], key[7], key[9]), threshold
    )
    by_dimension: dict[tuple, list] = {}
    for dimension, position in BY_DIMENSION.items():
        by_dimension.update(
            _roll_up(
                cells,
                lambda key, d=dimension, p=position: (
                    None
                    if key[p] is None or key[p] == ""
                    else (d, str(key[p]), key[0], key[1], key[5], key[6], key[7], key[9])
                ),
                threshold,
            )
        )
    signals = _meeting_signals(organisations, threshold)
    kind_of_meeting = Meeting.objects.filter(pk=OuterRef("meeting_id")).values("kind")[:1]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Two refreshes at once (beat + a button) must not interleave their rebuilds.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])
        FeedbackCube.objects.all().delete()
        FeedbackMonthly.objects.all().delete()
        FeedbackByDimension.objects.all().delete()
        _bulk_insert(FeedbackCube, CUBE_FIELDS, cells)
        _bulk_insert(FeedbackMonthly, MONTHLY_FIELDS, monthly)
        _bulk_insert(FeedbackByDimension, BY_DIMENSION_FIELDS, by_dimension)
        MeetingSignal.objects.all().delete()
        MeetingSignal.objects.bulk_create(signals, batch_size=5000)
        # Meetings get rated after the themes were computed: keep the filter true.
        Highlight.objects.exclude(meeting_kind=Subquery(kind_of_meeting)).update(
            meeting_kind=Subquery(kind_of_meeting)
        )
        state = CubeState.objects.order_by("pk").first() or CubeState()
        state.refreshed_at = timezone.now()
        state.feedback_items = items
        state.save()
    vacuum(FeedbackCube, FeedbackMonthly, FeedbackByDimension, MeetingSignal, Highlight)
    state.seconds = time.perf_counter() - started
    CubeState.objects.filter(pk=state.pk).update(seconds=state.seconds)
    return state


MONTHLY_FIELDS = ("month", "region_id", "section", "kind", "sentiment", "theme_id")
# The cube's dimensions that get their own roll-up, and their position in a cube key.
BY_DIMENSION = {
    FeedbackByDimension.Dimension.COUNTRY.value: CUBE_FIELDS.index("country"),
    FeedbackByDimension.Dimension.MEETING_TYPE.value: CUBE_FIELDS.index("meeting_type"),
    FeedbackByDimension.Dimension.MEETING_KIND.value: CUBE_FIELDS.index("meeting_kind"),
    FeedbackByDimension.Dimension.STAGE.value: CUBE_FIELDS.index("stage_id"),
}
BY_DIMENSION_FIELDS = ("dimension", "value", *MONTHLY_FIELDS)


def _roll_up(cells: dict[tuple, list], project, threshold: int) -> dict[tuple, list]:
    """Sum cube cells into coarser keys (`project(key)`; None leaves a cell out).

    A coarse cell is safe as soon as one of its cells is, or once the organisations
    of its small cells reach the threshold together; otherwise it keeps their union.
    """
    result: dict[tuple, list] = {}
    for key, (n, safe, orgs) in cells.items():
        short = project(key)
        if short is None:
            continue
        cell = result.get(short)
        if cell is None:
            result[short] = [n, safe, None if safe else set(orgs)]
            continue
        cell[0] += n
        if not cell[1]:
            if safe:
                cell[1], cell[2] = True, None
            else:
                cell[2] |= orgs
                if len(cell[2]) >= threshold:
                    cell[1], cell[2] = True, None
    return result


def _bulk_insert(model, fields, cells: dict[tuple, list]) -> None:
    kind = fields.index("meeting_kind") if "meeting_kind" in fields else None

    def rows():
        for key, (n, safe, orgs) in cells.items():
            if kind is not None and key[kind] is None:
                key = (*key[:kind], "", *key[kind + 1 :])
            yield (*key, n, safe, sorted(orgs) if orgs else [])

    insert_rows(model, (*fields, "n", "safe", "organisations"), rows())


def _meeting_signals(organisations: dict[int, frozenset[int]], threshold: int):
    """Per meeting (not cancelled): guest organisations, what guests said, likely kind.

    The likely kind is feedback.selectors.meeting_kind_suggestions' (the one rule the
    meeting and capture pages show; a held meeting with nothing captured is a likely
    Advertisement there too).
    """
    signals = []
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
    flagged = set(MeetingSignal.Kind.values)
    for meeting_id, starts_at, region_id, country, type_, kind, _status in rows:
        found = said.get(meeting_id)
        suggestion = found.kind if found is not None and found.kind in flagged else ""
        orgs = organisations.get(meeting_id, frozenset())
        safe = len(orgs) >= threshold
        signals.append(
            MeetingSignal(
                meeting_id=meeting_id,
                month=starts_at.astimezone(dt.UTC).date().replace(day=1),
                region_id=region_id,
                country=str(country),
                meeting_type=type_,
                kind=kind,
                safe=safe,
                organisations=[] if safe else sorted(orgs),
                guest_items=found.from_guests if found else 0,
                suggestion=suggestion,
            )
        )
    return signals
