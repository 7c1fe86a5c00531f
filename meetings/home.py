"""The "next meeting" entry of a home's "What needs you now".

Meetings contribute no section of their own: each role's meetings are one card in the
app that knows what the role does with them, so that a home lists each meeting once —
the leader's with their answers (invitations/home.py), the facilitator's with what to
capture today (feedback/home.py)."""

from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def home_sections(*, role: str, user) -> list[dict]:
    return []


def next_meeting_now(meeting) -> list[dict]:
    """The "What needs you now" entry for the next meeting."""
    # In the meeting's own time zone, as everywhere a meeting's time is shown.
    when = date_format(meeting.starts_at.astimezone(ZoneInfo(meeting.time_zone)), "D j M, H:i")
    label = _("Next meeting: %(title)s") % {"title": meeting.title}
    href = reverse("meetings:detail", args=[meeting.pk])
    return [{"value": when, "label": label, "href": href, "order": 10}]
