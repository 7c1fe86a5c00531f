"""Helpers for customers tests: attendance is recorded through meetings' Booking."""

import datetime as dt

from django.utils import timezone

from tests.factories import BookingFactory, MeetingFactory


def days_ago(days: int) -> dt.datetime:
    return (timezone.now() - dt.timedelta(days=days)).replace(microsecond=0)


def attended(
    contact, *, days: int, status: str = "held", attended: bool | None = True, region=None
):
    """Book the contact into a meeting `days` ago (negative: in the future) and record attendance."""
    starts_at = days_ago(days)
    meeting = MeetingFactory(
        region=region or contact.organisation.region,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=3),
        status=status,
    )
    return BookingFactory(meeting=meeting, contact=contact, attended=attended)
