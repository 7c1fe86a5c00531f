"""Meeting times in words, in the active language, always naming their time zone.

Guest mails and pages call these inside the guest's language (meetings.language), so
the day and month are the guest's words and the order is their language's ("Donnerstag,
1. April 2027", "jeudi 1 avril 2027", "jueves, 1 de abril de 2027"); the formats are
translatable strings (Django's date format characters), the names come from Django.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import dateformat
from django.utils.translation import gettext, pgettext


def _span(start: datetime, end: datetime, zone: str) -> str:
    tz = ZoneInfo(zone)
    start, end = start.astimezone(tz), end.astimezone(tz)
    # Translators: Django date format characters (l weekday, j day, F month, Y year);
    # backslash-escape literal letters, as in "l, j \d\e F \d\e Y".
    day = dateformat.format(start, pgettext("meeting day", "l j F Y"))
    # Translators: Django time format characters (H hours, i minutes).
    time_format = pgettext("meeting time", "H:i")
    if end.date() == start.date():
        end_text = dateformat.format(end, time_format)
    else:
        # Translators: the end of a meeting on another day than its start (j day, F month).
        end_text = dateformat.format(end, pgettext("meeting end on another day", "j F, H:i"))
    return gettext("{day}, {start}–{end} {abbreviation} ({zone})").format(
        day=day,
        start=dateformat.format(start, time_format),
        end=end_text,
        abbreviation=start.tzname(),
        zone=zone.replace("_", " "),
    )


def meeting_time_lines(meeting, guest_zone: str = "") -> list[str]:
    """The meeting's time in its own zone, then in the guest's zone if that differs.

    >>> # "Thursday 1 April 2027, 10:00–13:00 BST (Europe/London)"
    >>> # "Thursday 1 April 2027, 05:00–08:00 EDT (America/New York) where you are"
    """
    lines = [_span(meeting.starts_at, meeting.ends_at, meeting.time_zone)]
    if guest_zone and guest_zone != meeting.time_zone:
        span = _span(meeting.starts_at, meeting.ends_at, guest_zone)
        lines.append(gettext("{time} where you are").format(time=span))
    return lines
