import zoneinfo

from django import template
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from meetings.selectors import agenda_timing as _agenda_timing

register = template.Library()


@register.simple_tag
def agenda_timing(meeting, agenda_items):
    """Running time of each agenda item: `{% agenda_timing meeting agenda_items as timing %}`."""
    return _agenda_timing(meeting=meeting, items=agenda_items)


@register.filter
def duration(minutes) -> str:
    minutes = int(minutes or 0)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": rest}
    if hours:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(minutes)s min") % {"minutes": rest}


@register.filter
def when(meeting) -> str:
    """“Thu 3 Dec 2026, 10:00–13:00 Europe/London”, in the meeting's own time zone."""

    tz = zoneinfo.ZoneInfo(meeting.time_zone)
    start = meeting.starts_at.astimezone(tz)
    end = meeting.ends_at.astimezone(tz)
    text = date_format(start, "D j M Y, H:i")
    if end.date() == start.date():
        text += "–" + date_format(end, "H:i")
    else:
        text += " – " + date_format(end, "D j M Y, H:i")
    return f"{text} ({meeting.time_zone})"


STATUS_BADGES = {
    "draft": "",
    "invited": "badge--info",
    "held": "badge--ok",
    "closed": "badge--ok",
    "cancelled": "badge--bad",
}


@register.inclusion_tag("meetings/_status.html")
def status_badge(meeting):
    return {"meeting": meeting, "css": STATUS_BADGES.get(meeting.status, "")}
