"""Home page sections: the next meetings a facilitator facilitates.

The leader's next meetings are one card in invitations/home.py, each with its answers,
so that a leader's home lists each meeting once."""

from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Role

from .selectors import upcoming_for_home


def home_sections(*, role: str, user) -> list[dict]:
    if role != Role.FACILITATOR:
        return []
    meetings = upcoming_for_home(user=user, role=role)
    heading = _("Meetings you facilitate")
    return [
        {
            "template": "meetings/_home_upcoming.html",
            "meetings": meetings,
            "heading": heading,
            "now": next_meeting_now(meetings[0]) if meetings else [],
            "anchor": "home-meetings-heading",
            "title": heading,
        }
    ]


def next_meeting_now(meeting) -> list[dict]:
    """The "What needs you now" entry for the next meeting."""
    # In the meeting's own time zone, as everywhere a meeting's time is shown.
    when = date_format(meeting.starts_at.astimezone(ZoneInfo(meeting.time_zone)), "D j M, H:i")
    label = _("Next meeting: %(title)s") % {"title": meeting.title}
    href = reverse("meetings:detail", args=[meeting.pk])
    return [{"value": when, "label": label, "href": href, "order": 10}]
