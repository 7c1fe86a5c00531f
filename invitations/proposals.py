"""Next month's guests, proposed: for each country without a customer guest next month,
the organisations to invite, and the one step that books one and drafts the invitation.

Proposals come from "invite next" (key and strategic customers, never met or met
longest ago first; customers.selectors.invite_next) ranked so that an organisation
representing a facet the region's meetings have not covered lately comes first (a
panel must cover every facet; customers.selectors.facet_coverage). Only countries of
the regions the user leads are proposed, and only contacts the user may see.

Booking a proposal reuses the one booking service (meetings.services.booking_add: a
contact already booked is not booked twice, under the meeting's row lock, so a
double submission books once) and drafts the invitation the usual way
(invitation_for); nothing is sent until the leader sends it from the invitation page.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.rules import is_administrator
from customers.models import Contact, Facet, Organisation, Region
from customers.rules import contact_scope, led_region_ids
from customers.selectors import facet_coverage, invite_next, months_ago
from meetings.models import Booking, Meeting
from meetings.services import booking_add

from .models import MeetingInvitation
from .services import invitation_for

PROPOSALS_PER_COUNTRY = 3
# The facets a region's meetings covered over this many months count as covered.
COVERAGE_MONTHS = 12
BOOKABLE = (Meeting.Status.DRAFT, Meeting.Status.INVITED)


@dataclass
class Proposal:
    organisation: Organisation
    contact: Contact
    fills: list[Facet]  # facets of the region no recent meeting covered


@dataclass
class CountryProposals:
    country: object  # django_countries Country
    region: Region
    meeting: Meeting | None  # next month's meeting here the user may book into
    others_meeting: bool  # a meeting next month here that someone else manages
    gaps: list[Facet]
    proposals: list[Proposal] = field(default_factory=list)


def next_month(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return dt.date(today.year + (today.month == 12), today.month % 12 + 1, 1)


def _local_month(meeting: Meeting) -> dt.date:
    # A meeting belongs to the month of its own calendar (as on the monthly rhythm).
    local = meeting.starts_at.astimezone(zoneinfo.ZoneInfo(meeting.time_zone))
    return dt.date(local.year, local.month, 1)


def meetings_in_month(*, month: dt.date, countries: set[str]) -> list[Meeting]:
    """Meetings still open to guests in `month` (their own calendar) in `countries`,
    each with its customer bookings and co-owners loaded."""
    end = next_month(month)
    tz = timezone.get_current_timezone()
    start_at = dt.datetime(month.year, month.month, 1, tzinfo=tz) - dt.timedelta(days=1)
    end_at = dt.datetime(end.year, end.month, 1, tzinfo=tz) + dt.timedelta(days=1)
    meetings = (
        Meeting.objects.filter(
            country__in=sorted(countries),
            status__in=BOOKABLE,
            starts_at__gte=start_at,
            starts_at__lt=end_at,
        )
        .prefetch_related(
            "co_owners",
            Prefetch(
                "bookings",
                queryset=Booking.objects.filter(contact__organisation__isnull=False),
                to_attr="customer_bookings",
            ),
        )
        .order_by("starts_at", "pk")
    )
    return [m for m in meetings if _local_month(m) == month]


def _may_book_into(user, meeting: Meeting) -> bool:
    # The meetings rule (meetings.book_guests), read from the prefetched co-owners.
    return is_administrator(user) or meeting.owner_id == user.pk or user in meeting.co_owners.all()


def _regions_for(user) -> QuerySet[Region]:
    regions = Region.objects.order_by("name")
    if is_administrator(user):
        return regions
    return regions.filter(pk__in=led_region_ids(user))


def next_month_proposals(*, user, today: dt.date | None = None) -> tuple[dt.date, list]:
    """(next month, [CountryProposals]) for the countries of the regions `user` leads
    (administrators: every region) that have no customer guest booked next month."""
    month = next_month(today)
    regions = list(_regions_for(user))
    countries: dict[str, tuple[object, Region]] = {}
    for region in regions:
        for country in region.countries:
            countries.setdefault(country.code, (country, region))
    if not countries:
        return month, []
    meetings = meetings_in_month(month=month, countries=set(countries))
    guested = {m.country.code for m in meetings if m.customer_bookings}
    now = timezone.now()
    region_ids = [r.pk for r in regions]
    _facets, coverage = facet_coverage(
        since=months_ago(now, COVERAGE_MONTHS), until=now, region_ids=region_ids
    )
    gaps = {row.region.pk: row.gaps for row in coverage}
    invites = {
        row.region.pk: row.organisations
        for row in invite_next(region_ids=region_ids, contact_scope=contact_scope(user))
    }
    result = []
    for code, (country, region) in sorted(countries.items(), key=lambda kv: str(kv[1][0].name)):
        if code in guested:
            continue
        here = [m for m in meetings if m.country.code == code]
        mine = [m for m in here if _may_book_into(user, m)]
        row = CountryProposals(
            country=country,
            region=region,
            meeting=mine[0] if mine else None,
            others_meeting=bool(here) and not mine,
            gaps=gaps.get(region.pk, []),
        )
        row.proposals = _proposals(invites.get(region.pk, []), code, row.gaps)
        result.append(row)
    return month, result


def _proposals(organisations: list[Organisation], code: str, gaps: list[Facet]) -> list:
    gap_ids = {f.pk for f in gaps}
    candidates = []
    for position, organisation in enumerate(organisations):
        if organisation.country.code != code:
            continue
        contact = next((c for c in organisation.contacts.all() if c.email), None)
        if contact is None:
            continue
        fills = [f for f in organisation.facets.all() if f.pk in gap_ids]
        # Filling a facet gap first, then the order of "invite next" (longest not met).
        candidates.append(((not fills, position), Proposal(organisation, contact, fills)))
    candidates.sort(key=lambda pair: pair[0])
    return [proposal for _, proposal in candidates[:PROPOSALS_PER_COUNTRY]]


def proposal_contacts(*, user) -> QuerySet[Contact]:
    """Contacts a proposal may book: not erased, of an organisation in a region the
    user leads (administrators: any), in one of that region's countries."""
    contacts = Contact.objects.filter(erased_at__isnull=True, organisation__isnull=False)
    if is_administrator(user):
        return contacts
    led = led_region_ids(user)
    countries = {c.code for r in Region.objects.filter(pk__in=led) for c in r.countries}
    return contacts.filter(
        Q(organisation__region_id__in=led) & Q(organisation__country__in=sorted(countries))
    )


def proposal_meetings(*, user, month: dt.date) -> QuerySet[Meeting]:
    """Meetings a proposal may book into: open to guests, starting around `month`, that
    the user manages (meetings.book_guests: owner or co-owner; administrators: any)."""
    end = next_month(month)
    tz = timezone.get_current_timezone()
    meetings = Meeting.objects.filter(
        status__in=BOOKABLE,
        starts_at__gt=timezone.now(),
        starts_at__gte=dt.datetime(month.year, month.month, 1, tzinfo=tz) - dt.timedelta(days=1),
        starts_at__lt=dt.datetime(end.year, end.month, 1, tzinfo=tz) + dt.timedelta(days=1),
    )
    if is_administrator(user):
        return meetings
    return meetings.filter(Q(owner=user) | Q(co_owners=user)).distinct()


def proposal_fits(*, meeting: Meeting, contact: Contact, month: dt.date) -> bool:
    """The meeting is in the organisation's country and in `month` on its own calendar."""
    return meeting.country.code == contact.organisation.country.code and (
        _local_month(meeting) == month
    )


@transaction.atomic
def proposal_book(
    *, meeting: Meeting, contact: Contact, by
) -> tuple[Booking | None, MeetingInvitation]:
    """Book `contact` on `meeting` and draft the meeting's invitation, in one step.

    Guarantees: a contact already booked is not booked again (a second submission
    returns no booking); nothing is sent — the invitation waits as a draft for the
    leader to read and send (invitations.services.invitation_send)."""
    created = booking_add(meeting=meeting, contacts=[contact], by=by)
    invitation = invitation_for(meeting)
    return (created[0] if created else None), invitation
