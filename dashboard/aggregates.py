"""The maintained aggregates: `FeedbackCube` and `MeetingSignal`, rebuilt by one service.

The dashboard never scans feedback items on a page view: it sums cube rows (a few
thousand to a few hundred thousand, against millions of items) and reads the exact
organisation sets of the few small rows. `cube_refresh()` rebuilds everything in one
pass over the items; the Celery task `dashboard.refresh_aggregates` runs it on a beat
schedule, after every theme recomputation, and when an executive asks for it.
"""

from __future__ import annotations

import time
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from feedback.models import FeedbackItem
from meetings.models import Booking

from .models import CubeState, FeedbackCube, MeetingSignal
from .suppression import counted_booking_q, min_organisations

CUBE_DIMENSIONS = (
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
)
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
    rows = (
        FeedbackItem.objects.order_by()
        .annotate(month=TruncMonth("meeting_date"))
        .values_list(*CUBE_DIMENSIONS, "meeting_id")
        .annotate(n=Count("id"))
    )
    empty: frozenset[int] = frozenset()
    for row in rows.iterator(chunk_size=20_000):
        key, meeting_id, n = row[:-2], row[-2], row[-1]
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
    signals = _meeting_signals()
    with transaction.atomic():
        FeedbackCube.objects.all().delete()
        _bulk_insert_cube(cells)
        MeetingSignal.objects.all().delete()
        MeetingSignal.objects.bulk_create(signals, batch_size=5000)
        state = CubeState.objects.order_by("pk").first() or CubeState()
        state.refreshed_at = timezone.now()
        state.feedback_items = items
        state.seconds = time.perf_counter() - started
        state.save()
    return state


def _bulk_insert_cube(cells: dict[tuple, list]) -> None:
    objects = (
        FeedbackCube(
            **dict(zip(CUBE_FIELDS, key, strict=True)) | {"meeting_kind": key[4] or ""},
            n=n,
            safe=safe,
            organisations=sorted(orgs) if orgs else [],
        )
        for key, (n, safe, orgs) in cells.items()
    )
    batch: list[FeedbackCube] = []
    for obj in objects:
        batch.append(obj)
        if len(batch) >= 5000:
            FeedbackCube.objects.bulk_create(batch)
            batch = []
    if batch:
        FeedbackCube.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE dashboard_feedbackcube")


# A meeting looks like an Advertisement when guests said almost nothing.
ADVERTISEMENT_AT_MOST = 2


def _meeting_signals() -> list[MeetingSignal]:
    """Per held meeting: what guests said, and the kind it most likely was.

    Likely Love-In: guests said something, all of it praise, no concern and no idea.
    Likely Advertisement: guests said at most ADVERTISEMENT_AT_MOST things.
    """
    guest = Q(source=FeedbackItem.Source.GUEST)
    rows = (
        FeedbackItem.objects.order_by()
        .values("meeting_id")
        .annotate(
            guest_items=Count("id", filter=guest),
            praise=Count("id", filter=guest & Q(kind=FeedbackItem.Kind.PRAISE)),
            concerns=Count("id", filter=guest & Q(kind=FeedbackItem.Kind.CONCERN)),
            ideas=Count("id", filter=guest & Q(kind=FeedbackItem.Kind.IDEA)),
        )
    )
    from meetings.models import Meeting

    held = set(
        Meeting.objects.filter(status__in=[Meeting.Status.HELD, Meeting.Status.CLOSED])
        .order_by()
        .values_list("id", flat=True)
    )
    seen = set()
    signals = []
    for row in rows.iterator(chunk_size=20_000):
        seen.add(row["meeting_id"])
        signals.append(
            MeetingSignal(
                meeting_id=row["meeting_id"],
                guest_items=row["guest_items"],
                suggestion=suggest_kind(
                    guest_items=row["guest_items"],
                    praise=row["praise"],
                    concerns=row["concerns"],
                    ideas=row["ideas"],
                ),
            )
        )
    for meeting_id in held - seen:
        signals.append(
            MeetingSignal(
                meeting_id=meeting_id, guest_items=0, suggestion=MeetingSignal.Kind.ADVERTISEMENT
            )
        )
    return signals


def suggest_kind(*, guest_items: int, praise: int, concerns: int, ideas: int) -> str:
    if guest_items <= ADVERTISEMENT_AT_MOST:
        return MeetingSignal.Kind.ADVERTISEMENT
    if praise == guest_items and not concerns and not ideas:
        return MeetingSignal.Kind.LOVE_IN
    return ""
