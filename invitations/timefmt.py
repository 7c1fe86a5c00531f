"""Meeting times in words, always naming their time zone."""

from datetime import datetime
from zoneinfo import ZoneInfo


def _span(start: datetime, end: datetime, zone: str) -> str:
    tz = ZoneInfo(zone)
    start, end = start.astimezone(tz), end.astimezone(tz)
    day = f"{start:%A} {start.day} {start:%B %Y}"
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end.day} {end:%B}, {end:%H:%M}"
    return f"{day}, {start:%H:%M}–{end_text} {start.tzname()} ({zone.replace('_', ' ')})"


def meeting_time_lines(meeting, guest_zone: str = "") -> list[str]:
    """The meeting's time in its own zone, then in the guest's zone if that differs.

    >>> # "Thursday 1 April 2027, 10:00–13:00 BST (Europe/London)"
    >>> # "Thursday 1 April 2027, 05:00–08:00 EDT (America/New York) where you are"
    """
    lines = [_span(meeting.starts_at, meeting.ends_at, meeting.time_zone)]
    if guest_zone and guest_zone != meeting.time_zone:
        lines.append(f"{_span(meeting.starts_at, meeting.ends_at, guest_zone)} where you are")
    return lines
