"""Demo: invitations for the next two upcoming demo meetings that have guests.

Runs after the meetings demo (INSTALLED_APPS order). Invitations go through the outbox
like any other; in development the mail is printed to the console, so the demo delivers
its invitations at once through Django's in-memory backend (the send task queued on
commit then finds them sent) to keep seed_demo's output readable. Idempotent:
invitations are keyed per guest, answers are recorded once.
"""

import contextlib

from django.core.exceptions import ValidationError
from django.test.utils import override_settings
from django.utils import timezone

from meetings.models import Booking, Meeting
from outbox.models import OutboxMail
from outbox.services import outbox_deliver

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
            waiting = OutboxMail.objects.filter(
                meeting=meeting, kind=OutboxMail.Kind.INVITATION, status=OutboxMail.Status.QUEUED
            )
            for mail_id in waiting.values_list("pk", flat=True):
                outbox_deliver(mail_id=mail_id)
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
