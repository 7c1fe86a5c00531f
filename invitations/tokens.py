"""Signed RSVP links: bound to one booking, its guest and its meeting.

The token carries no expiry of its own beyond a generous safety limit: the RSVP page
checks the meeting itself, so a link stops working when the meeting is over even if
the meeting moved after the link was sent.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from meetings.models import Booking

SALT = "invitations.rsvp"
# The guest's standing page ("you said, we did" and the charter): the same signing, bound
# to the same booking, guest and meeting, under its own salt so that one link cannot be
# used as the other.
GUEST_PAGE_SALT = "invitations.guest-page"
FORM_SALT = "invitations.rsvp-form"
MAX_AGE = 60 * 60 * 24 * 400  # seconds


def rsvp_token(booking: Booking, *, salt: str = SALT) -> str:
    return signing.dumps(
        {"b": booking.pk, "m": booking.meeting_id, "c": booking.contact_id}, salt=salt
    )


def guest_page_token(booking: Booking) -> str:
    return rsvp_token(booking, salt=GUEST_PAGE_SALT)


def guest_page_url(booking: Booking) -> str:
    return settings.SITE_URL + reverse("actions:guest_page", args=[guest_page_token(booking)])


def rsvp_url(booking: Booking, answer: str = "") -> str:
    url = settings.SITE_URL + reverse("invitations:rsvp", args=[rsvp_token(booking)])
    return f"{url}?answer={answer}" if answer else url


@dataclass(frozen=True)
class TokenCheck:
    booking: Booking | None
    problem: str = ""  # "invalid", "expired" or "" when the booking was found


def booking_for_token(token: str, *, salt: str = SALT) -> TokenCheck:
    """The booking a link is for, or why it is not valid (never which guest it was).
    A guest who was erased has no link any more: "invalid", like a forged one."""
    try:
        data = signing.loads(token, salt=salt, max_age=MAX_AGE)
    except signing.SignatureExpired:
        return TokenCheck(None, "expired")
    except signing.BadSignature:
        return TokenCheck(None, "invalid")
    try:
        booking_id, meeting_id, contact_id = int(data["b"]), int(data["m"]), int(data["c"])
    except (KeyError, TypeError, ValueError):
        return TokenCheck(None, "invalid")
    booking = (
        Booking.objects.select_related("meeting", "meeting__owner", "contact")
        .filter(pk=booking_id, meeting_id=meeting_id, contact_id=contact_id)
        .first()
    )
    if booking is None or booking.contact.is_erased:
        # The guest was removed from the meeting (or booked again): the old link is void.
        return TokenCheck(None, "invalid")
    return TokenCheck(booking)


def answer_version(booking: Booking) -> str:
    """A value the RSVP form carries, so a replayed or stale submission is recognised."""
    stamp = booking.rsvp_at.isoformat() if booking.rsvp_at else "never"
    return signing.Signer(salt=FORM_SALT).sign(f"{booking.pk}:{stamp}")


def answer_version_is_current(booking: Booking, value: str) -> bool:
    return bool(value) and value == answer_version(booking)
