"""Reads of customers, with "last met" and "times met" derived from attendance.

Customers knows nothing of meetings: attendance is read through the reverse relations
`Contact.bookings` and `Booking.meeting` by their string lookups only, never by
importing a meetings model.
"""

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Case, Count, F, IntegerField, Max, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Contact, Facet, Organisation, Region

# Meeting statuses after which an attended booking counts as "met" (meetings.Meeting.Status).
MET_STATUSES = ("held", "closed")
# The tiers Invite next is about.
INVITE_TIERS = (Organisation.Tier.KEY, Organisation.Tier.STRATEGIC)


def _met(prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}bookings__attended": True,
            f"{prefix}bookings__meeting__status__in": MET_STATUSES,
        }
    )


def months_ago(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` calendar months earlier (clamped to the month's end)."""
    year, month = divmod(moment.year * 12 + (moment.month - 1) - months, 12)
    month += 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def _tier_rank():
    return Case(
        When(tier=Organisation.Tier.KEY, then=Value(0)),
        When(tier=Organisation.Tier.STRATEGIC, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def organisations_with_stats(queryset: QuerySet | None = None) -> QuerySet:
    """Organisations annotated with last_met, times_met, bookings_count and contacts_count."""
    queryset = Organisation.objects.all() if queryset is None else queryset
    met = _met("contacts__")
    return queryset.annotate(
        last_met=Max("contacts__bookings__meeting__starts_at", filter=met),
        times_met=Count("contacts__bookings__meeting", filter=met, distinct=True),
        bookings_count=Count("contacts__bookings", distinct=True),
        contacts_count=Count("contacts", filter=Q(contacts__erased_at__isnull=True), distinct=True),
    )


def contacts_with_stats(queryset: QuerySet | None = None) -> QuerySet:
    queryset = Contact.objects.all() if queryset is None else queryset
    return queryset.annotate(
        last_met=Max("bookings__meeting__starts_at", filter=_met()),
        times_met=Count("bookings__meeting", filter=_met(), distinct=True),
        bookings_count=Count("bookings", distinct=True),
    )


SORTS: dict[str, tuple[str, list]] = {
    "name": (_("Name (A–Z)"), [Lower("name")]),
    "-name": (_("Name (Z–A)"), [Lower("name").desc()]),
    "last_met": (
        _("Longest since met first"),
        [F("last_met").asc(nulls_first=True), Lower("name")],
    ),
    "-last_met": (
        _("Most recently met first"),
        [F("last_met").desc(nulls_last=True), Lower("name")],
    ),
    "-times_met": (_("Most often met first"), [F("times_met").desc(), Lower("name")]),
    "tier": (_("Tier (key first)"), [_tier_rank(), Lower("name")]),
    "region": (_("Region"), [Lower("region__name"), Lower("name")]),
    "country": (_("Country"), ["country", Lower("name")]),
}
DEFAULT_SORT = "name"


@dataclass
class CustomerFilters:
    """What the customer list is narrowed to; every field is optional."""

    q: str = ""
    tiers: list[str] = field(default_factory=list)
    facet_ids: list[int] = field(default_factory=list)
    region_ids: list[int] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    not_met_months: int | None = None
    never_invited: bool = False
    sort: str = DEFAULT_SORT
    search_contacts: bool = True
    # Which contacts a search by name or email may find (customers.rules.contact_scope);
    # None: every contact.
    contact_scope: Q | None = None


def organisation_list(
    *, filters: CustomerFilters | None = None, now: dt.datetime | None = None
) -> QuerySet:
    """The customer list: filtered, sorted, annotated, with region and facets at hand.

    The number of queries to read a page does not grow with the number of organisations.
    """
    filters = filters or CustomerFilters()
    queryset = Organisation.objects.all()
    if filters.q:
        match = Q(name__icontains=filters.q)
        if filters.search_contacts:
            found = Contact.objects.filter(
                Q(name__icontains=filters.q) | Q(email__icontains=filters.q)
            )
            if filters.contact_scope is not None:
                found = found.filter(filters.contact_scope)
            match |= Q(pk__in=found.values("organisation_id"))
        queryset = queryset.filter(match)
    if filters.tiers:
        queryset = queryset.filter(tier__in=filters.tiers)
    if filters.facet_ids:
        # A subquery, so the facet join does not multiply the rows the counts are made of.
        queryset = queryset.filter(
            pk__in=Organisation.facets.through.objects.filter(
                facet_id__in=filters.facet_ids
            ).values("organisation_id")
        )
    if filters.region_ids:
        queryset = queryset.filter(region_id__in=filters.region_ids)
    if filters.countries:
        queryset = queryset.filter(country__in=filters.countries)
    queryset = organisations_with_stats(queryset)
    if filters.not_met_months:
        cutoff = months_ago(now or timezone.now(), filters.not_met_months)
        queryset = queryset.filter(Q(last_met__isnull=True) | Q(last_met__lt=cutoff))
    if filters.never_invited:
        queryset = queryset.filter(bookings_count=0)
    order = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])[1]
    return (
        queryset.select_related("region", "account_owner")
        .prefetch_related("facets")
        .order_by(*order, "pk")
    )


def organisation_detail(*, pk: int) -> Organisation:
    """One organisation with its stats; raises Organisation.DoesNotExist."""
    return (
        organisations_with_stats(Organisation.objects.filter(pk=pk))
        .select_related("region", "account_owner")
        .prefetch_related("facets")
        .get()
    )


def organisation_contacts(*, organisation: Organisation, scope: Q | None = None) -> QuerySet:
    """The organisation's contacts (of `scope` only, when given: contact_scope)."""
    contacts = organisation.contacts.all()
    if scope is not None:
        contacts = contacts.filter(pk__in=Contact.objects.filter(scope).values("pk"))
    return contacts_with_stats(contacts).order_by(
        F("erased_at").asc(nulls_first=True), Lower("name"), "pk"
    )


@dataclass
class HistoryEntry:
    meeting_id: int
    title: str
    starts_at: dt.datetime
    status: str
    attended: list[str]
    booked: list[str]
    # Guests who attended whose names the reader may not see (counted, not named).
    others_attended: int = 0

    @property
    def attended_count(self) -> int:
        return len(self.attended) + self.others_attended

    @property
    def outcome(self) -> str:
        if self.attended:
            return _("Attended")
        if self.status == "cancelled":
            return _("Meeting cancelled")
        if self.status in MET_STATUSES:
            return _("Did not attend")
        return _("Booked")


def organisation_meeting_history(
    *, organisation: Organisation, named: set[int] | None = None
) -> list[HistoryEntry]:
    """Meetings the organisation's contacts were booked into: dates, titles and who attended.

    Only the fact of attendance is read, never anything said in the meeting. With
    `named`, only those contacts are named; the others are counted.
    """
    rows = (
        Contact.objects.filter(organisation=organisation, bookings__isnull=False)
        .values_list(
            "bookings__meeting_id",
            "bookings__meeting__title",
            "bookings__meeting__starts_at",
            "bookings__meeting__status",
            "bookings__attended",
            "name",
            "pk",
        )
        .order_by("-bookings__meeting__starts_at", "bookings__meeting_id", Lower("name"))
    )
    entries: list[HistoryEntry] = []
    for meeting_id, group in groupby(rows, key=lambda row: row[0]):
        group = list(group)
        _, title, starts_at, status, _, _, _ = group[0]
        met = status in MET_STATUSES
        shown = [row for row in group if named is None or row[6] in named]
        entries.append(
            HistoryEntry(
                meeting_id=meeting_id,
                title=title,
                starts_at=starts_at,
                status=status,
                attended=[row[5] for row in shown if met and row[4]],
                booked=[row[5] for row in shown],
                others_attended=sum(
                    1
                    for row in group
                    if met and row[4] and named is not None and row[6] not in named
                ),
            )
        )
    return entries


@dataclass
class RegionInvites:
    region: Region
    organisations: list[Organisation]


def invite_next(
    *, region_ids: list[int] | None = None, contact_scope: Q | None = None
) -> list[RegionInvites]:
    """Per region, key and strategic customers by time since last met, never met first.

    Each organisation carries its contacts (not erased; of `contact_scope` only, when
    given) in the same order, so a leader can book the one met longest ago.
    """
    regions = Region.objects.order_by(Lower("name"))
    organisations = Organisation.objects.filter(tier__in=INVITE_TIERS)
    if region_ids is not None:
        regions = regions.filter(pk__in=region_ids)
        organisations = organisations.filter(region_id__in=region_ids)
    visible = Contact.objects.filter(erased_at__isnull=True)
    if contact_scope is not None:
        visible = visible.filter(pk__in=Contact.objects.filter(contact_scope).values("pk"))
    contacts = contacts_with_stats(visible).order_by(
        F("last_met").asc(nulls_first=True), Lower("name"), "pk"
    )
    organisations = (
        organisations_with_stats(organisations)
        .select_related("region")
        .prefetch_related("facets", Prefetch("contacts", queryset=contacts))
        .order_by(
            "region_id", F("last_met").asc(nulls_first=True), _tier_rank(), Lower("name"), "pk"
        )
    )
    by_region: dict[int, list[Organisation]] = {}
    for organisation in organisations:
        by_region.setdefault(organisation.region_id, []).append(organisation)
    return [RegionInvites(region, by_region.get(region.pk, [])) for region in regions]


@dataclass
class CoverageRow:
    region: Region
    cells: list[tuple[Facet, int]]

    @property
    def gaps(self) -> list[Facet]:
        return [facet for facet, count in self.cells if count == 0]


def facet_coverage(
    *, since: dt.datetime, until: dt.datetime, region_ids: list[int] | None = None
) -> tuple[list[Facet], list[CoverageRow]]:
    """For each region and facet, how many customers attended a meeting in [since, until].

    A zero is a gap: no customer of that facet was in a meeting in the period.
    """
    facets = list(Facet.objects.all())
    regions = Region.objects.order_by(Lower("name"))
    met = Organisation.objects.filter(
        contacts__bookings__attended=True,
        contacts__bookings__meeting__status__in=MET_STATUSES,
        contacts__bookings__meeting__starts_at__gte=since,
        contacts__bookings__meeting__starts_at__lte=until,
        facets__isnull=False,
    )
    if region_ids is not None:
        regions = regions.filter(pk__in=region_ids)
        met = met.filter(region_id__in=region_ids)
    counts = {
        (row["region_id"], row["facets"]): row["n"]
        for row in met.values("region_id", "facets")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    }
    rows = [
        CoverageRow(region, [(facet, counts.get((region.pk, facet.pk), 0)) for facet in facets])
        for region in regions
    ]
    return facets, rows


def key_customers_not_met(
    *, months: int = 6, region_ids: list[int] | None = None, now: dt.datetime | None = None
) -> QuerySet:
    """Key customers not met for `months` months or never met, longest first."""
    queryset = Organisation.objects.filter(tier=Organisation.Tier.KEY)
    if region_ids is not None:
        queryset = queryset.filter(region_id__in=region_ids)
    cutoff = months_ago(now or timezone.now(), months)
    return (
        organisations_with_stats(queryset)
        .filter(Q(last_met__isnull=True) | Q(last_met__lt=cutoff))
        .select_related("region")
        .order_by(F("last_met").asc(nulls_first=True), Lower("name"), "pk")
    )
