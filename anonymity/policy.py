"""The anonymity policy: how many customer organisations must stand behind a number,
and which organisations do.

Feedback carries no organisation, so anonymity is counted through meetings: the
organisations "behind" a slice of feedback (or of meetings) are the distinct customer
organisations of the counted guests of the meetings it comes from
(`organisations_behind`). A number is shown only when at least `min_organisations()` of
them stand behind it (`Orgs.enough`, `cell_passes`).

Who counts as a guest (conservative: when in doubt, count fewer organisations, which
hides more): a booking counts when its guest was marked as attended, or — while
attendance is not marked (`attended` is null) — when the guest accepted the invitation.
Guests marked absent, guests who declined and guests who never answered do not count,
nor do our own front-line staff invited like guests (they belong to no organisation).

`anonymity.suppression` applies this policy to what the dashboard shows; `actions`
applies it to the expectations missing from a charter. Both sit above this package;
it depends on nothing but `meetings` (the bookings).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from meetings.models import Booking

ABSOLUTE_MINIMUM = 3


def min_organisations() -> int:
    """The threshold: the setting, but never below 3 whatever the setting says."""
    return max(ABSOLUTE_MINIMUM, int(getattr(settings, "CHATHAM_MIN_ORGANISATIONS", 3)))


def cell_passes(organisations: Orgs | Iterable[int]) -> bool:
    """An atomic cell is published only with at least the threshold of organisations."""
    return as_orgs(organisations).enough


def hidden_note() -> str:
    return _("fewer than %(count)s organisations — hidden to protect anonymity") % {
        "count": min_organisations()
    }


HIDDEN_NOTE = "fewer than 3 organisations — hidden to protect anonymity"


def published_note() -> str:
    """What every page with figures says about what they leave out."""
    return _(
        "Figures and quotes count only feedback from groups of at least "
        "%(count)s customer organisations (the same month, region, country, "
        "meeting type and kind, agenda section, feedback kind, sentiment, journey stage "
        "and theme); the rest is left out of every view and export, so no filter or "
        "comparison of views can single out fewer."
    ) % {"count": min_organisations()}


@dataclass(frozen=True)
class Orgs:
    """The organisations behind a number.

    `ids` are exact when `safe` is false. When `safe` is true the number is known to
    have at least the threshold behind it (the ids, if any, are a subset) — the
    maintained aggregates only keep exact sets for small cells.
    """

    ids: frozenset[int] = frozenset()
    safe: bool = False

    def __or__(self, other: Orgs) -> Orgs:
        return Orgs(self.ids | other.ids, self.safe or other.safe)

    @property
    def enough(self) -> bool:
        return self.safe or len(self.ids) >= min_organisations()

    @classmethod
    def union(cls, many: Iterable[Orgs]) -> Orgs:
        ids: set[int] = set()
        safe = False
        for orgs in many:
            ids |= orgs.ids
            safe = safe or orgs.safe
        return cls(frozenset(ids), safe)


def as_orgs(value: Orgs | Iterable[int]) -> Orgs:
    return value if isinstance(value, Orgs) else Orgs(frozenset(value))


def counted_booking_q(prefix: str = "") -> Q:
    """Bookings whose guest counts as present (see the module docstring).

    Only customer guests: our own front-line staff invited like guests (a contact
    without organisation) never stand behind a number as an organisation."""
    present = Q(**{f"{prefix}attended": True}) | Q(
        **{f"{prefix}attended__isnull": True, f"{prefix}rsvp": "accepted"}
    )
    return present & Q(**{f"{prefix}contact__organisation__isnull": False})


def guest_organisations_by_meeting(meeting_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """{meeting id: distinct organisations of its counted guests}, in one query."""
    ids = list(set(meeting_ids))
    result: dict[int, set[int]] = defaultdict(set)
    if not ids:
        return {}
    rows = (
        Booking.objects.filter(counted_booking_q(), meeting_id__in=ids)
        .values_list("meeting_id", "contact__organisation_id")
        .distinct()
    )
    for meeting_id, organisation_id in rows:
        result[meeting_id].add(organisation_id)
    return {m: frozenset(result.get(m, ())) for m in ids}


def organisations_behind(meeting_ids: Iterable[int], by_meeting: dict[int, frozenset[int]]) -> Orgs:
    """The organisations behind a slice made of these meetings' feedback: the union of
    their counted guests' organisations (`by_meeting` from
    `guest_organisations_by_meeting`). The one place this count is made."""
    return Orgs(frozenset().union(*(by_meeting.get(m, frozenset()) for m in meeting_ids)))
