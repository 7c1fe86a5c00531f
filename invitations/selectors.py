from django.db.models import Count, Q

from meetings.models import Booking, Meeting
from outbox.models import OutboxMail
from outbox.selectors import outbox_meeting_summary


def invitation_overview(*, meeting: Meeting) -> dict:
    """What the invitation page and the meeting panel show: guests, answers, mail."""
    invited = {
        int(pk)
        for pk in OutboxMail.objects.filter(
            meeting=meeting, kind=OutboxMail.Kind.INVITATION
        ).values_list("render_args__booking", flat=True)
        if pk is not None
    }
    bookings = list(
        Booking.objects.filter(meeting=meeting).select_related(
            "contact", "contact__organisation", "rsvp_recorded_by"
        )
    )
    answers = Booking.objects.filter(meeting=meeting).aggregate(
        accepted=Count("pk", filter=Q(rsvp=Booking.Rsvp.ACCEPTED)),
        declined=Count("pk", filter=Q(rsvp=Booking.Rsvp.DECLINED)),
        pending=Count("pk", filter=Q(rsvp=Booking.Rsvp.PENDING)),
    )
    not_invited = [
        b for b in bookings if b.pk not in invited and b.contact.email and not b.contact.is_erased
    ]
    no_email = [b for b in bookings if not b.contact.email or b.contact.is_erased]
    invitation = getattr(meeting, "invitation", None)
    return {
        "bookings": bookings,
        "invited_ids": invited,
        "not_invited": not_invited,
        "no_email": no_email,
        "answers": answers,
        "mail_summary": outbox_meeting_summary(meeting=meeting),
        "invitation": invitation,
        "changes": invitation.changes_since_sent(meeting) if invitation else [],
        "nudge_candidates": sum(
            1 for b in bookings if b.pk in invited and b.rsvp == Booking.Rsvp.PENDING
        ),
    }
