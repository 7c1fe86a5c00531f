"""The leader's home page: upcoming meetings and where their invitations stand."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role
from meetings.models import Booking, Meeting


def home_sections(*, role: str, user) -> list[dict]:
    if role != Role.LEADER.value:
        return []
    meetings = list(
        Meeting.objects.filter(Q(owner=user) | Q(co_owners=user), starts_at__gt=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .annotate(
            guests=Count("bookings", distinct=True),
            accepted=Count(
                "bookings", filter=Q(bookings__rsvp=Booking.Rsvp.ACCEPTED), distinct=True
            ),
            pending=Count("bookings", filter=Q(bookings__rsvp=Booking.Rsvp.PENDING), distinct=True),
        )
        .order_by("starts_at")
        .distinct()[:5]
    )
    pending = sum(m.pending for m in meetings)
    label = ngettext("answer awaited from a guest", "answers awaited from guests", pending)
    now = [{"value": pending, "label": label, "href": "#upcoming-invitations-heading", "order": 20}]
    return [
        {
            "template": "invitations/_home_upcoming.html",
            "meetings": meetings,
            "now": now if pending else [],
            "anchor": "upcoming-invitations-heading",
            "title": _("Invitations and answers"),
        }
    ]
