"""The facilitator's home: the meetings they facilitate, once each, today's to capture first.

One card lists today's meetings (each with its capture page, marked while it runs), then
the next ones (each with its preparation and capture page), so that a facilitator's home
lists each meeting once. The leader's meetings are one card in invitations/home.py."""

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings.home import next_meeting_now
from meetings.models import Meeting

from .rules import LOCKED_STATUSES

UPCOMING_LIMIT = 5
ANCHOR = "home-meetings-heading"


def home_sections(*, role: str, user) -> list[dict]:
    if role != "Facilitator":
        return []
    now = timezone.now()
    # "Today" is the meeting's own day, where it is held: a Sydney meeting at 09:00 is
    # today from midnight in Sydney, whatever the server's time zone. A meeting stays
    # until its day ends there, so that a facilitator can still capture what was said
    # after it. A day has ended everywhere 26 hours after it began somewhere (UTC+14).
    candidates = (
        Meeting.objects.filter(facilitators=user, ends_at__gte=now - dt.timedelta(hours=26))
        .exclude(status__in=LOCKED_STATUSES)
        .order_by("starts_at")[: UPCOMING_LIMIT + 6]
    )
    meetings = [m for m in candidates if _local_day(m.ends_at, m) >= _local_day(now, m)]
    today_meetings = [m for m in meetings if _local_day(m.starts_at, m) <= _local_day(now, m)]
    next_meetings = [m for m in meetings if m not in today_meetings][:UPCOMING_LIMIT]
    for meeting in today_meetings:
        meeting.is_running = meeting.starts_at <= now <= meeting.ends_at
    # Today's meetings are in the capture entry; "next meeting" is the one after them.
    next_now = next_meeting_now(next_meetings[0]) if next_meetings else []
    title = _("Meetings you facilitate")
    return [
        {
            "template": "feedback/_home_meetings.html",
            "today": today_meetings,
            "upcoming": next_meetings,
            "heading": title,
            "now": _capture_now(today_meetings) + next_now,
            "anchor": ANCHOR,
            "title": title,
        }
    ]


def _local_day(moment: dt.datetime, meeting: Meeting) -> dt.date:
    """The date of `moment` where the meeting is held (the site's zone if it has none)."""
    try:
        zone = ZoneInfo(meeting.time_zone) if meeting.time_zone else None
    except (ValueError, ZoneInfoNotFoundError):
        zone = None
    return timezone.localtime(moment, zone or timezone.get_default_timezone()).date()


def _capture_now(today_meetings: list) -> list[dict]:
    """Today's meetings to capture: straight to the capture page when there is one."""
    if not today_meetings:
        return []
    count = len(today_meetings)
    href = reverse("feedback:capture", args=[today_meetings[0].pk]) if count == 1 else f"#{ANCHOR}"
    label = ngettext("meeting to capture today", "meetings to capture today", count)
    urgent = any(m.is_running for m in today_meetings)
    return [{"value": count, "label": label, "href": href, "urgent": urgent, "order": 5}]
