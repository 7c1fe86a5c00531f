"""Home page sections: the next meetings a leader owns or a facilitator facilitates."""

from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Role

from .selectors import upcoming_for_home


def home_sections(*, role: str, user) -> list[dict]:
    if role not in (Role.LEADER, Role.FACILITATOR):
        return []
    meetings = upcoming_for_home(user=user, role=role)
    heading = _("Your next meetings") if role == Role.LEADER else _("Meetings you facilitate")
    return [
        {
            "template": "meetings/_home_upcoming.html",
            "meetings": meetings,
            "heading": heading,
            "can_add": role == Role.LEADER,
            "now": _next_meeting(meetings[0]) if meetings else [],
            "anchor": "home-meetings-heading",
            "title": heading,
        }
    ]


def _next_meeting(meeting) -> list[dict]:
    # In the meeting's own time zone, as everywhere a meeting's time is shown.
    when = date_format(meeting.starts_at.astimezone(ZoneInfo(meeting.time_zone)), "D j M, H:i")
    label = _("Next meeting: %(title)s") % {"title": meeting.title}
    href = reverse("meetings:detail", args=[meeting.pk])
    return [{"value": when, "label": label, "href": href, "order": 10}]
