"""Demo: invitations for the next two upcoming demo meetings that have guests.

Runs after the meetings demo (INSTALLED_APPS order). Invitations go through the outbox
like any other; in development the mail is printed to the console, so the demo sends
through Django's in-memory backend instead to keep seed_demo's output readable.
Idempotent: invitations are keyed per guest, answers are recorded once.
"""

import contextlib

from django.core.exceptions import ValidationError
from django.test.utils import override_settings
from django.utils import timezone

from meetings.models import Booking, Meeting

from .services import invitation_send, rsvp_answer


def seed(*, stdout) -> None:
    meetings = (
        Meeting.objects.filter(starts_at__gt=timezone.now(), bookings__isnull=False)
        .exclude(status=Meeting.Status.CANCELLED)
        .distinct()
        .order_by("starts_at")[:2]
    )
    sent = 0
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for meeting in meetings:
            try:
                sent += invitation_send(meeting=meeting, user=meeting.owner)
            except ValidationError:
                continue
            bookings = list(meeting.bookings.filter(rsvp=Booking.Rsvp.PENDING).order_by("pk"))
            for booking, answer in zip(bookings, ["accepted", "declined"], strict=False):
                with contextlib.suppress(ValidationError):
                    rsvp_answer(
                        booking=booking,
                        answer=answer,
                        chatham_acknowledged=True,
                        note="Demo answer",
                    )
    stdout.write(f"invitations: {sent} invitation(s) sent for {len(meetings)} upcoming meeting(s)")
