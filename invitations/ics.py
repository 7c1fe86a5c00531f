"""The .ics attached to invitations, updates and cancellations (RFC 5545 / iTIP)."""

from datetime import date
from email.utils import parseaddr
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar, Event, vCalAddress, vText

from meetings.models import Booking, Meeting

PARTSTAT = {
    Booking.Rsvp.PENDING: "NEEDS-ACTION",
    Booking.Rsvp.ACCEPTED: "ACCEPTED",
    Booking.Rsvp.DECLINED: "DECLINED",
}


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the life of the meeting, so calendars update the same event."""
    host = urlparse(settings.SITE_URL).hostname or "open-chair"
    return f"open-chair-meeting-{meeting.pk}@{host}"


def organizer_address(meeting: Meeting) -> str:
    """ORGANIZER's address: the owning leader's, else the address inside
    DEFAULT_FROM_EMAIL ("Open Chair <open-chair@example.org>" gives the part in angle
    brackets), so that the URI is always a valid mailto:. A calendar's "Accept" is an
    iTIP REPLY mailed to this address; Open Chair reads no mail, so guests answer with
    the links in the mail (see docs/mail.md)."""
    address = meeting.owner.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    if "@" not in address:
        address = f"open-chair@{urlparse(settings.SITE_URL).hostname or 'localhost'}"
    return address


def meeting_ics(*, meeting: Meeting, booking: Booking, method: str = "REQUEST") -> bytes:
    """One guest's calendar entry: METHOD REQUEST (invite or update) or CANCEL.

    Its summary is the meeting's own title; its description is in the active language
    (the mail renders it inside the guest's, meetings.language)."""
    tz = ZoneInfo(meeting.time_zone)
    cal = Calendar()
    cal.add("prodid", "-//Open Chair//Open Chair//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.ics_sequence)
    event.add("dtstamp", timezone.now().astimezone(ZoneInfo("UTC")))
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    event.add("summary", meeting.title)
    description = meeting.objectives or ""
    if meeting.video_link:
        join = gettext("Join online: {link}").format(link=meeting.video_link)
        description = f"{description}\n\n{join}".strip()
    description += "\n\n" + gettext(
        "This meeting is held under the Chatham House Rule: what is said may be used, "
        "but never who said it or which organisation they are from."
    )
    event.add("description", description)
    if meeting.place or meeting.video_link:
        event.add("location", meeting.place or meeting.video_link)
    if meeting.video_link:
        event.add("url", meeting.video_link)
    owner = meeting.owner
    organizer = vCalAddress(f"mailto:{organizer_address(meeting)}")
    organizer.params["cn"] = vText(str(owner))
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{booking.contact.email}")
    attendee.params["cn"] = vText(booking.contact.name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText(PARTSTAT.get(booking.rsvp, "NEEDS-ACTION"))
    attendee.params["rsvp"] = vText("TRUE")
    event.add("attendee", attendee)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    cal.add_component(event)
    # Only the years around the meeting: a VTIMEZONE from 1970 to 2038 bloats every mail.
    year = meeting.starts_at.year
    cal.add_missing_timezones(first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1))
    return cal.to_ical()
