"""How the invitation journeys begin: a leader's meeting some days ahead with its
agenda, guests booked at their organisations, and the link a guest taps in the mail."""

import datetime as dt
import re
from urllib.parse import urlsplit

from django.utils import timezone

from outbox.models import OutboxMail
from tests.factories import (
    AgendaItemFactory,
    BookingFactory,
    ContactFactory,
    MeetingFactory,
    OrganisationFactory,
)


def meeting_ahead(
    *,
    days: int = 30,
    at: dt.time = dt.time(9, 30),
    length: dt.timedelta = dt.timedelta(hours=2, minutes=30),
    agenda=(),
    **fields,
):
    """A meeting `days` from now at `at` o'clock, lasting `length` (a month ahead, a
    morning's panel), with these (section, title) agenda items in order."""
    start = (timezone.now() + dt.timedelta(days=days)).replace(
        hour=at.hour, minute=at.minute, second=0, microsecond=0
    )
    meeting = MeetingFactory(agenda=True, starts_at=start, ends_at=start + length, **fields)
    for position, (section, title) in enumerate(agenda):
        AgendaItemFactory(meeting=meeting, section=section, title=title, position=position)
    return meeting


def book_guest(meeting, *, organisation: str, **contact):
    """A guest of `organisation` booked to the meeting (contact fields as given)."""
    return BookingFactory(
        meeting=meeting,
        contact=ContactFactory(organisation=OrganisationFactory(name=organisation), **contact),
    )


def invitation_mail(email: str) -> OutboxMail:
    mail = OutboxMail.objects.get(kind="invitation", recipient=email)
    assert mail.status == "sent"
    return mail


def link_in(mail: OutboxMail, label: str) -> str:
    """The link after `label` ("Accept", "Zusagen") exactly as it stands in the mail;
    the mail names the public site, the test server stands in for it."""
    parts = urlsplit(re.search(rf"{label}: (\S+)", mail.text_body).group(1))
    return parts.path + (f"?{parts.query}" if parts.query else "")
