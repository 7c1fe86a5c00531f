"""Invitations and the mail around a meeting. Every mail goes through the outbox.

Delivery keys (one mail per key, ever; saves made while an update waits join it):
  invitation:<meeting>:<booking>            update:<meeting>:<booking>:<sequence>
  cancellation:<meeting>:<booking>          reminder:<meeting>:<booking>:<days>d
  nudge:<meeting>:<booking>                 thank_you:<meeting>:<booking>
"""

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, DateTimeField, DurationField, ExpressionWrapper, F, Value, When
from django.db.models.functions import Concat, JSONObject
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import Booking, Meeting
from meetings.signals import attendance_changed
from outbox.keys import delivery_key, delivery_key_expression
from outbox.models import OutboxMail
from outbox.services import outbox_enqueue, outbox_enqueue_many, outbox_schedule

from .mail import SUBJECTS
from .models import MeetingInvitation

THANK_YOU_LOCAL_TIME = time(10, 0)
PLACEHOLDER_BODY = "(rendered when sent)"
DEFAULT_REMINDER_DAYS = [7, 1]
MOVED_PAST = "The meeting moved; this reminder's time had passed."


def invitation_for(meeting: Meeting) -> MeetingInvitation:
    invitation, _ = MeetingInvitation.objects.get_or_create(meeting=meeting)
    return invitation


def _mailable_bookings(meeting: Meeting):
    return (
        Booking.objects.filter(meeting=meeting, contact__erased_at__isnull=True)
        .exclude(contact__email="")
        .select_related("contact")
    )


def _placeholder(meeting: Meeting, variant: str, recipient_name: str) -> dict:
    # What the outbox page shows until the mail is rendered at send time.
    return {
        "subject": SUBJECTS[variant].format(title=meeting.title),
        "text_body": f"Dear {recipient_name}, ({variant} for {meeting.title}: rendered when sent)",
    }


def reminder_due(meeting: Meeting, days: int) -> datetime:
    """`days` before the start at the same wall-clock time in the meeting's zone, so a
    reminder does not shift by an hour across a daylight-saving change."""
    tz = ZoneInfo(meeting.time_zone)
    local = meeting.starts_at.astimezone(tz)
    naive = local.replace(tzinfo=None) - timedelta(days=days)
    return naive.replace(tzinfo=tz)


def thank_you_due(meeting: Meeting) -> datetime:
    """The morning after the meeting, in the meeting's zone."""
    tz = ZoneInfo(meeting.time_zone)
    next_day = meeting.ends_at.astimezone(tz).date() + timedelta(days=1)
    return datetime.combine(next_day, THANK_YOU_LOCAL_TIME, tzinfo=tz)


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


def reminders_schedule(
    *, meetings: Iterable[Meeting], bookings: Iterable[int] | None = None
) -> int:
    """Create the reminder and thank-you rows of the given meetings, in bulk.

    One reminder per guest per scheduled day (default 7 days and 1 day before), to
    guests who accepted or have not answered; none whose time has already passed;
    never a second one (the delivery key). A thank-you for each guest the morning
    after, sent only if they attended (decided when it is due). Returns rows created.

    One path on every database: the due times are computed here per meeting (the same
    `reminder_due` and `thank_you_due` that move them), and the outbox writes the rows
    for all guests at once (`outbox_schedule`, one `INSERT … SELECT` per reminder day
    and one for the thank-yous), however many guests there are.
    """
    now = timezone.now()
    ids = [m.pk for m in meetings if m.status != Meeting.Status.CANCELLED]
    # The times as stored: the due times are offsets from these very columns.
    current = list(
        Meeting.objects.filter(pk__in=ids)
        .exclude(status=Meeting.Status.CANCELLED)
        .only("pk", "title", "starts_at", "ends_at", "time_zone")
    )
    if not current:
        return 0
    days_by_meeting = dict(
        MeetingInvitation.objects.filter(meeting__in=current).values_list(
            "meeting_id", "reminder_days"
        )
    )
    guests = (
        Booking.objects.filter(meeting__in=current, contact__erased_at__isnull=True)
        .exclude(rsvp=Booking.Rsvp.DECLINED)
        .exclude(contact__email="")
    )
    if bookings is not None:
        guests = guests.filter(pk__in=list(bookings))
    reminder_days = {m.pk: days_by_meeting.get(m.pk) or DEFAULT_REMINDER_DAYS for m in current}
    created = 0
    for days in sorted({d for values in reminder_days.values() for d in values}):
        due = {m: reminder_due(m, days) for m in current if days in reminder_days[m.pk]}
        due = {m: at for m, at in due.items() if at > now}
        if due:
            created += outbox_schedule(
                rows=_scheduled(
                    guests,
                    kind=OutboxMail.Kind.REMINDER,
                    due=due,
                    since="starts_at",
                    key_parts=(f"{days}d",),
                    render_args={"days": Value(days)},
                )
            )
    created += outbox_schedule(
        rows=_scheduled(
            guests,
            kind=OutboxMail.Kind.THANK_YOU,
            due={m: thank_you_due(m) for m in current},
            since="ends_at",
        )
    )
    return created


def _scheduled(guests, *, kind: str, due: dict, since: str, key_parts=(), render_args=None):
    """The guests' rows of one kind of scheduled mail, as `outbox_schedule` takes them.

    `due` holds each meeting's due time; in the database it is the meeting's `since`
    column plus an offset, and meetings with the same offset (all of them, but for a
    daylight-saving change or another time of day) share one branch.
    """
    by_offset: dict[timedelta, list[int]] = {}
    for meeting, at in due.items():
        by_offset.setdefault(at - getattr(meeting, since), []).append(meeting.pk)
    offset = Case(
        *(When(meeting_id__in=ids, then=Value(delta)) for delta, ids in by_offset.items()),
        output_field=DurationField(),
    )
    prefix, _, suffix = SUBJECTS[kind].partition("{title}")
    return guests.filter(meeting_id__in=[m.pk for m in due]).annotate(
        kind=Value(kind),
        recipient=F("contact__email"),
        subject=Concat(Value(prefix), F("meeting__title"), Value(suffix)),
        text_body=Value(PLACEHOLDER_BODY),
        renderer=Value(f"invitations.{kind}"),
        render_args=JSONObject(booking=F("pk"), **(render_args or {})),
        delivery_key=delivery_key_expression(kind, F("meeting_id"), F("pk"), *key_parts),
        due_at=ExpressionWrapper(F(f"meeting__{since}") + offset, output_field=DateTimeField()),
    )


def reminders_reschedule(*, meeting: Meeting) -> None:
    """Move the meeting's waiting reminders and thank-yous to its new time.

    A reminder whose new time has already passed is withdrawn (the guests get the
    update instead); sent reminders stay sent and are not repeated.
    """
    now = timezone.now()
    waiting = OutboxMail.objects.filter(meeting=meeting, status=OutboxMail.Status.QUEUED)
    days_list = invitation_for(meeting).reminder_days
    for days in days_list:
        due = reminder_due(meeting, days)
        rows = waiting.filter(kind=OutboxMail.Kind.REMINDER, render_args__days=days)
        if due <= now:
            rows.update(
                status=OutboxMail.Status.SKIPPED,
                last_error=MOVED_PAST,
                updated_at=now,
            )
        else:
            rows.update(due_at=due, updated_at=now)
            # Withdrawn by an earlier move to a nearer date: due again now it moved back.
            OutboxMail.objects.filter(
                meeting=meeting,
                kind=OutboxMail.Kind.REMINDER,
                status=OutboxMail.Status.SKIPPED,
                render_args__days=days,
                last_error=MOVED_PAST,
            ).update(status=OutboxMail.Status.QUEUED, due_at=due, last_error="", updated_at=now)
    waiting.filter(kind=OutboxMail.Kind.THANK_YOU).update(
        due_at=thank_you_due(meeting), updated_at=now
    )
    reminders_schedule(meetings=[meeting])


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
