"""The invitation itself, the nudge to guests who have not answered, and the answer."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import Booking, Meeting
from meetings.signals import attendance_changed
from outbox.keys import delivery_key
from outbox.models import OutboxMail
from outbox.services import outbox_enqueue, outbox_enqueue_many

from .common import _mailable_bookings, _placeholder, invitation_for
from .scheduling import reminders_schedule


@transaction.atomic
def invitation_send(*, meeting: Meeting, user, personal_message: str | None = None) -> int:
    """Queue one invitation per booked guest with an email address, each with its .ics.

    Guests already invited are not invited twice (the delivery key), so sending again
    after booking another guest reaches only the new one. Moves a draft meeting to
    "invited" through `meetings.services.meeting_transition` (ValidationError when it
    lacks a guest, a place or link, objectives or an agenda) and schedules its reminders
    and thank-yous. Returns how many invitations were new.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting is cancelled; no invitation can be sent."))
    if meeting.starts_at <= timezone.now():
        raise ValidationError(_("This meeting has already started."))
    if meeting.status == Meeting.Status.DRAFT:
        # The first invitation is the meeting's move to "invited", with its checks: a
        # guest, a place or link, the objectives and an agenda (the formal invitation).
        from meetings.services import meeting_transition

        meeting_transition(meeting=meeting, to=Meeting.Status.INVITED, by=user)
    invitation = invitation_for(meeting)
    if personal_message is not None:
        invitation.personal_message = personal_message
    if invitation.sent_at is None:
        invitation.sent_at = timezone.now()
        invitation.sent_by = user
        invitation.snapshot(meeting)
    invitation.full_clean()
    invitation.save()
    new = outbox_enqueue_many(
        OutboxMail(
            kind=OutboxMail.Kind.INVITATION,
            recipient=booking.contact.email,
            delivery_key=delivery_key("invitation", meeting.pk, booking.pk),
            meeting=meeting,
            renderer="invitations.invitation",
            render_args={"booking": booking.pk},
            **_placeholder(meeting, "invitation", booking.contact.name),
        )
        for booking in _mailable_bookings(meeting)
    )
    reminders_schedule(meetings=[meeting])
    return new


@transaction.atomic
def nudge_send(*, meeting: Meeting, user) -> int:
    """A one-off reminder to invited guests who have not answered; never twice to one guest."""
    sent_to = {
        int(pk)
        for pk in OutboxMail.objects.filter(
            meeting=meeting, kind=OutboxMail.Kind.INVITATION
        ).values_list("render_args__booking", flat=True)
        if pk is not None
    }
    queued = 0
    for booking in _mailable_bookings(meeting).filter(rsvp=Booking.Rsvp.PENDING):
        if booking.pk not in sent_to:
            continue
        mail = outbox_enqueue(
            kind=OutboxMail.Kind.REMINDER,
            recipient=booking.contact.email,
            delivery_key=delivery_key("nudge", meeting.pk, booking.pk),
            meeting=meeting,
            renderer="invitations.reminder",
            render_args={"booking": booking.pk},
            **_placeholder(meeting, "nudge", booking.contact.name),
        )
        queued += mail.created
    return queued


@transaction.atomic
def rsvp_answer(
    *,
    booking: Booking,
    answer: str,
    note: str = "",
    needs: str = "",
    chatham_acknowledged: bool = False,
    recorded_by=None,
) -> Booking:
    """Record a guest's answer, from their link or (with `recorded_by`) by a leader.

    Accepting from the link requires acknowledging the Chatham House Rule. Answers can
    change until the meeting starts. An accepting guest gets reminders again; a
    declining guest's reminders are not sent (checked when each is due).
    """
    booking = Booking.objects.select_for_update().select_related("meeting").get(pk=booking.pk)
    meeting = booking.meeting
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("This meeting was cancelled.")
    if meeting.starts_at <= timezone.now():
        raise ValidationError("The meeting has started; answers can no longer be changed.")
    if answer not in (Booking.Rsvp.ACCEPTED, Booking.Rsvp.DECLINED, Booking.Rsvp.PENDING):
        raise ValidationError("Choose whether you will attend.")
    now = timezone.now()
    if answer == Booking.Rsvp.ACCEPTED:
        if chatham_acknowledged:
            booking.chatham_acknowledged_at = booking.chatham_acknowledged_at or now
        elif recorded_by is None:
            raise ValidationError(
                {"chatham_acknowledged": "Please confirm you will respect the Chatham House Rule."}
            )
    booking.rsvp = answer
    booking.rsvp_at = now
    booking.rsvp_note = note
    booking.needs = needs
    booking.rsvp_recorded_by = recorded_by
    booking.full_clean()
    booking.save()
    attendance_changed.send(sender=Booking, meeting_ids=[meeting.pk])
    if answer != Booking.Rsvp.DECLINED and invitation_for(meeting).sent_at:
        reminders_schedule(meetings=[meeting], bookings=[booking.pk])
    return booking
