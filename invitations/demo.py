"""Demo: invitations for the next two upcoming demo meetings that have guests.

Runs after the meetings demo (INSTALLED_APPS order). Invitations go through the outbox
like any other and are delivered at once, so that the answers below follow them; in
development each is printed to the console as one short block (outbox.console). Idempotent:
invitations are keyed per guest, answers are recorded once.
"""

import contextlib

from django.core.exceptions import ValidationError
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
