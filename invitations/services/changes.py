"""A meeting that changes or is cancelled after its invitation went out: the update
(coalesced over a burst of saves), its preview, and the cancellation."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from meetings.models import Booking, Meeting
from outbox.keys import delivery_key
from outbox.models import OutboxMail
from outbox.services import outbox_enqueue_many

from ..models import MeetingInvitation
from .common import _mailable_bookings, _placeholder, invitation_for
from .scheduling import reminders_reschedule


def update_delay() -> timedelta:
    """How long an update waits for further saves before it goes out (one mail per guest
    for a burst of edits)."""
    return timedelta(seconds=getattr(settings, "INVITATION_UPDATE_DELAY_SECONDS", 300))


def _update_recipients(meeting: Meeting) -> list[Booking]:
    """Guests an update reaches: their invitation went out and they have not declined."""
    invited = {
        int(pk)
        for pk in OutboxMail.objects.filter(
            meeting=meeting, kind=OutboxMail.Kind.INVITATION
        ).values_list("render_args__booking", flat=True)
        if pk is not None
    }
    return [
        booking
        for booking in _mailable_bookings(meeting).exclude(rsvp=Booking.Rsvp.DECLINED)
        if booking.pk in invited
    ]


def _pending_update(meeting: Meeting, now: datetime) -> OutboxMail | None:
    """An update still waiting for its due time, which a new change can join."""
    return (
        OutboxMail.objects.filter(
            meeting=meeting,
            kind=OutboxMail.Kind.UPDATE,
            status=OutboxMail.Status.QUEUED,
            due_at__gt=now,
        )
        .order_by("-due_at")
        .first()
    )


def meeting_update_preview(*, meeting: Meeting) -> dict | None:
    """What saving `meeting` (an unsaved copy carrying the proposed values) would tell
    guests: `guests` (names), `changes` (in words) and `send_at`; None when nobody
    would hear of it (a draft, nothing guests were told changed, nobody invited)."""
    if meeting.status != Meeting.Status.INVITED:
        return None
    invitation = MeetingInvitation.objects.filter(meeting_id=meeting.pk).first()
    changes = invitation.changes_since_sent(meeting) if invitation else []
    if not changes:
        return None
    guests = _update_recipients(meeting)
    if not guests:
        return None
    now = timezone.now()
    pending = _pending_update(meeting, now)
    return {
        "guests": [booking.contact.name for booking in guests],
        "changes": changes,
        "send_at": pending.due_at if pending else now + update_delay(),
        "joins_pending": pending is not None,
    }


@transaction.atomic
def meeting_changes_send(*, meeting: Meeting, user=None, coalesce: bool = False) -> int:
    """Tell invited guests that the meeting's time, place or link changed.

    Called inside `meetings.services.meeting_update`'s transaction through the
    `meetings.signals.meeting_changed` receiver (with `coalesce`), and by the "Send the
    update" button for a change saved another way (the admin, for instance). Does
    nothing when guests were not invited yet or nothing they were told changed.
    Otherwise each guest who has not declined gets an update (with the new .ics) and
    the reminders move with the meeting. Returns how many guests the update reaches.

    With `coalesce`, the update waits `update_delay()` (a row with a due time, sent by
    the outbox poller) and a change saved while it waits joins it: same delivery keys,
    same calendar SEQUENCE, rendered from the meeting as it is when it goes out — so a
    burst of saves is one mail per guest. Otherwise it goes out at once. The iCalendar
    SEQUENCE grows by one per update that goes out (this is the only place a change
    raises it), and an older update still waiting is skipped when sent.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    invitation = invitation_for(meeting)
    if meeting.status == Meeting.Status.CANCELLED or not invitation.changes_since_sent(meeting):
        return 0
    now = timezone.now()
    pending = _pending_update(meeting, now) if coalesce else None
    if pending is not None:
        sequence, due_at = int(pending.render_args["sequence"]), pending.due_at
    else:
        Meeting.objects.filter(pk=meeting.pk).update(ics_sequence=F("ics_sequence") + 1)
        meeting.refresh_from_db()
        sequence = meeting.ics_sequence
        due_at = now + update_delay() if coalesce else None
    invitation.snapshot(meeting)
    invitation.save()
    guests = _update_recipients(meeting)
    outbox_enqueue_many(
        OutboxMail(
            kind=OutboxMail.Kind.UPDATE,
            recipient=booking.contact.email,
            # One key per guest and SEQUENCE: a change saved while it waits joins it.
            delivery_key=delivery_key("update", meeting.pk, booking.pk, sequence),
            meeting=meeting,
            due_at=due_at,
            renderer="invitations.update",
            render_args={"booking": booking.pk, "sequence": sequence},
            **_placeholder(meeting, "update", booking.contact.name),
        )
        for booking in guests
    )
    reminders_reschedule(meeting=meeting)
    return len(guests)


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, user, message: str = "") -> int:
    """Cancel the meeting (with a message for the guests) and tell them.

    The cancellation itself is `meetings.services.meeting_transition`, the one path
    whichever page it starts from: its `meeting_cancelled` signal reaches
    `cancellations_send`. Raises ValidationError when the meeting can no longer be
    cancelled (held or closed). Returns how many cancellations were queued; 0 when the
    meeting was already cancelled (nobody is told twice).
    """
    from meetings.services import meeting_transition

    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELLED:
        return 0
    if message:
        invitation = invitation_for(meeting)
        invitation.cancellation_message = message
        invitation.save(update_fields=["cancellation_message"])
    meeting_transition(meeting=meeting, to=Meeting.Status.CANCELLED, by=user)
    return OutboxMail.objects.filter(meeting=meeting, kind=OutboxMail.Kind.CANCELLATION).count()


def cancellations_send(*, meeting: Meeting) -> int:
    """Tell every invited guest who had not declined that the meeting is cancelled.

    Called (through the `meetings.signals.meeting_cancelled` receiver) inside the
    transaction that cancels the meeting, once per meeting. Each guest whose invitation
    went out gets a cancellation with a METHOD:CANCEL .ics (SEQUENCE one higher), so
    their calendar removes the event; waiting invitations, updates, reminders and
    thank-yous are withdrawn. Returns how many cancellations were queued.

    An invitation a worker is sending at this very moment holds its row lock: the
    withdrawal waits for it (PostgreSQL re-reads the row once the worker commits), so
    an invitation that went out is answered by a cancellation, and one that was only
    claimed, or whose send failed, is withdrawn and never goes out after the
    cancellation.
    """
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(ics_sequence=F("ics_sequence") + 1)
    meeting.refresh_from_db()
    MeetingInvitation.objects.filter(meeting=meeting).update(cancelled_at=now)
    OutboxMail.objects.filter(
        meeting=meeting,
        status__in=[OutboxMail.Status.QUEUED, OutboxMail.Status.SENDING],
        kind__in=[
            OutboxMail.Kind.REMINDER,
            OutboxMail.Kind.THANK_YOU,
            OutboxMail.Kind.INVITATION,
            OutboxMail.Kind.UPDATE,
        ],
    ).update(
        status=OutboxMail.Status.SKIPPED, last_error="The meeting was cancelled.", updated_at=now
    )
    invited = {
        int(pk)
        for pk in OutboxMail.objects.filter(
            meeting=meeting, kind=OutboxMail.Kind.INVITATION, status=OutboxMail.Status.SENT
        ).values_list("render_args__booking", flat=True)
        if pk is not None
    }
    return outbox_enqueue_many(
        OutboxMail(
            kind=OutboxMail.Kind.CANCELLATION,
            recipient=booking.contact.email,
            delivery_key=delivery_key("cancellation", meeting.pk, booking.pk),
            meeting=meeting,
            renderer="invitations.cancellation",
            render_args={"booking": booking.pk},
            **_placeholder(meeting, "cancellation", booking.contact.name),
        )
        for booking in _mailable_bookings(meeting).exclude(rsvp=Booking.Rsvp.DECLINED)
        if booking.pk in invited
    )
