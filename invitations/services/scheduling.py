"""Reminders and thank-yous: their due times, created in bulk and moved with the meeting."""

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Case, DateTimeField, DurationField, ExpressionWrapper, F, Value, When
from django.db.models.functions import Concat, JSONObject
from django.utils import timezone

from meetings.models import Booking, Meeting
from outbox.keys import delivery_key_expression
from outbox.models import OutboxMail
from outbox.services import outbox_schedule

from ..mail import SUBJECTS
from ..models import MeetingInvitation
from .common import PLACEHOLDER_BODY, invitation_for

THANK_YOU_LOCAL_TIME = time(10, 0)
DEFAULT_REMINDER_DAYS = [7, 1]
MOVED_PAST = "The meeting moved; this reminder's time had passed."


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
