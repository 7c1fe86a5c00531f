"""The dashboard's filters: what a viewer may choose and see, and how each source is narrowed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.rules import is_administrator, is_executive
from customers.models import Region
from feedback.models import FeedbackItem
from meetings.models import Meeting

from ..models import (
    FeedbackByDimension,
    FeedbackCube,
    FeedbackMonthly,
)

SENTIMENTS = list(FeedbackItem.Sentiment.choices)


MEETING_KINDS = list(Meeting.Kind.choices)


@dataclass
class Filters:
    """What the dashboard is narrowed to; `regions` is never wider than the viewer may see."""

    regions: list[int] | None = None  # None: every region
    month_from: dt.date | None = None
    month_to: dt.date | None = None
    country: str = ""
    meeting_type: str = ""
    meeting_kind: str = ""
    section: str = ""
    stage: int | None = None
    kind: str = ""
    sentiment: str = ""


def regions_for(user) -> list[int] | None:
    """The regions a user may see on the dashboard: None for all, else a list of ids."""

    if is_executive(user) or is_administrator(user):
        return None
    return list(Region.objects.filter(leaders=user).values_list("id", flat=True))


def month_end(month: dt.date) -> dt.date:
    nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


# The filters that narrow feedback through its meeting or its journey stage, each with
# its own roll-up (dashboard.models.FeedbackByDimension) and its column in the cube.
ROLLED_UP_FILTERS = (
    (FeedbackByDimension.Dimension.COUNTRY, "country", "country"),
    (FeedbackByDimension.Dimension.MEETING_TYPE, "meeting_type", "meeting_type"),
    (FeedbackByDimension.Dimension.MEETING_KIND, "meeting_kind", "meeting_kind"),
    (FeedbackByDimension.Dimension.STAGE, "stage", "stage_id"),
)


def cube_rows(filters: Filters, queryset: QuerySet | None = None) -> QuerySet:
    """The aggregate rows behind the filters, from the smallest table that has them.

    No filter on country, meeting type, meeting kind or journey stage: the monthly
    roll-up. Exactly one of them: that dimension's roll-up, a few thousand rows. Two or
    more: the full cube. `queryset` (a model with every cube dimension, such as
    Highlight) is narrowed the same way.
    """
    rolled = [(d, column, getattr(filters, name)) for d, name, column in ROLLED_UP_FILTERS]
    rolled = [(d, column, value) for d, column, value in rolled if value]
    if queryset is not None:
        qs = queryset
    elif not rolled:
        qs = FeedbackMonthly.objects.order_by()
    elif len(rolled) == 1:
        dimension, _, value = rolled[0]
        qs = FeedbackByDimension.objects.order_by().filter(dimension=dimension, value=str(value))
        rolled = []
    else:
        qs = FeedbackCube.objects.order_by()
    for _, column, value in rolled:
        qs = qs.filter(**{column: value})
    if filters.regions is not None:
        qs = qs.filter(region_id__in=filters.regions)
    if filters.month_from:
        qs = qs.filter(month__gte=filters.month_from)
    if filters.month_to:
        qs = qs.filter(month__lte=filters.month_to)
    for name, value in (
        ("section", filters.section),
        ("kind", filters.kind),
        ("sentiment", filters.sentiment),
    ):
        if value:
            qs = qs.filter(**{name: value})
    return qs


def signal_q(filters: Filters, prefix: str = "") -> Q:
    """Meeting-level filters on dashboard.MeetingSignal (no join to meetings needed)."""
    q = Q()
    if filters.regions is not None:
        q &= Q(**{f"{prefix}region_id__in": filters.regions})
    if filters.month_from:
        q &= Q(**{f"{prefix}month__gte": filters.month_from})
    if filters.month_to:
        q &= Q(**{f"{prefix}month__lte": filters.month_to})
    for name, value in (
        ("country", filters.country),
        ("meeting_type", filters.meeting_type),
        ("kind", filters.meeting_kind),
    ):
        if value:
            q &= Q(**{f"{prefix}{name}": value})
    return q


def item_q(filters: Filters, prefix: str = "") -> Q:
    """The same filters on feedback items (months by the meeting's date)."""
    q = Q()
    if filters.regions is not None:
        q &= Q(**{f"{prefix}meeting__region_id__in": filters.regions})
    if filters.month_from:
        q &= Q(**{f"{prefix}meeting_date__gte": filters.month_from})
    if filters.month_to:
        q &= Q(**{f"{prefix}meeting_date__lte": month_end(filters.month_to)})
    for lookup, value in (
        ("meeting__country", filters.country),
        ("meeting__type", filters.meeting_type),
        ("meeting__kind", filters.meeting_kind),
        ("section", filters.section),
        ("kind", filters.kind),
        ("sentiment", filters.sentiment),
    ):
        if value:
            q &= Q(**{f"{prefix}{lookup}": value})
    if filters.stage:
        q &= Q(**{f"{prefix}stage_id": filters.stage})
    return q
