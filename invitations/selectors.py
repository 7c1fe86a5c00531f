from collections import Counter

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Role
from meetings.models import Booking, Meeting
from meetings.selectors import meetings_upcoming
from outbox.keys import delivery_key_expression
from outbox.models import OutboxMail

from .models import MeetingInvitation


def invitation_overview(*, meeting: Meeting) -> dict:
    """What the invitation page and the meeting panel show: guests, answers, mail.

    Three queries whatever the number of guests or mails (the meeting page pins its
    query count).
    """
    rows = list(
        OutboxMail.objects.filter(meeting=meeting).values_list(
            "kind", "status", "render_args__booking", "due_at"
        )
    )
    mails = [(kind, status, booking) for kind, status, booking, _due in rows]
    invited = {
        int(booking)
        for kind, _status, booking in mails
        if kind == OutboxMail.Kind.INVITATION and booking is not None
    }
    statuses = Counter(status for _kind, status, _booking in mails)
    now = timezone.now()
    # An update still gathering changes (see invitations.services.meeting_changes_send).
    waiting = [
        due
        for kind, status, _booking, due in rows
        if kind == OutboxMail.Kind.UPDATE
        and status == OutboxMail.Status.QUEUED
        and due is not None
        and due > now
    ]
    bookings = list(
        Booking.objects.filter(meeting=meeting).select_related(
            "contact", "contact__organisation", "rsvp_recorded_by"
        )
    )
    rsvps = Counter(b.rsvp for b in bookings)
    not_invited = [
        b for b in bookings if b.pk not in invited and b.contact.email and not b.contact.is_erased
    ]
    no_email = [b for b in bookings if not b.contact.email or b.contact.is_erased]
    invitation = MeetingInvitation.objects.filter(meeting=meeting).first()
    return {
        "bookings": bookings,
        "invited_ids": invited,
        "not_invited": not_invited,
        "no_email": no_email,
        "answers": {
            "accepted": rsvps[Booking.Rsvp.ACCEPTED],
            "declined": rsvps[Booking.Rsvp.DECLINED],
            "pending": rsvps[Booking.Rsvp.PENDING],
        },
        "mail_summary": {status: statuses[status] for status in OutboxMail.Status.values},
        "invitation": invitation,
        "changes": invitation.changes_since_sent(meeting) if invitation else [],
        "waiting_update": {"guests": len(waiting), "send_at": min(waiting)} if waiting else None,
        "nudge_candidates": sum(
            1 for b in bookings if b.pk in invited and b.rsvp == Booking.Rsvp.PENDING
        ),
    }


def upcoming_with_answers(*, user, limit: int = 5) -> list[Meeting]:
    """The leader's next meetings (as `meetings_upcoming` chooses them), each with its
    guests counted: `guests`, `accepted`, `pending` (invited, not answered yet: the
    answers awaited) and `not_invited` (not answered because not invited yet: the guests
    of a draft, a guest booked after the invitations went out). One query."""
    meetings = list(
        meetings_upcoming(user=user, role=Role.LEADER).annotate(
            guests=Count("bookings", distinct=True),
            accepted=Count(
                "bookings", filter=Q(bookings__rsvp=Booking.Rsvp.ACCEPTED), distinct=True
            ),
            unanswered=Count(
                "bookings", filter=Q(bookings__rsvp=Booking.Rsvp.PENDING), distinct=True
            ),
            pending=Coalesce(Subquery(_invited_unanswered_count()), 0),
        )[:limit]
    )
    for meeting in meetings:
        meeting.not_invited = meeting.unanswered - meeting.pending
    return meetings


def _invited_unanswered_count() -> QuerySet:
    """How many of the outer meeting's guests were invited and have not answered.

    A guest was invited when their invitation mail was queued (the outbox row that
    `invitation_send` writes under the key `invitation:<meeting>:<booking>`, what the
    invitation page counts as invited), or when the meeting left draft with no mail ever
    sent: its leader marked it invited, the guests having been invited another way."""
    mailed = OutboxMail.objects.filter(
        delivery_key=delivery_key_expression("invitation", OuterRef("meeting_id"), OuterRef("pk"))
    )
    invited_another_way = ~Q(meeting__status=Meeting.Status.DRAFT) & Q(
        meeting__invitation__sent_at__isnull=True
    )
    return (
        Booking.objects.filter(meeting=OuterRef("pk"), rsvp=Booking.Rsvp.PENDING)
        .filter(Exists(mailed) | invited_another_way)
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
