"""Reads for the meeting pages: a fixed number of queries whatever the agenda's size."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Case, F, Max, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.models import Role, User
from accounts.rules import is_administrator
from customers.models import Contact, Facet, Organisation, Region
from customers.rules import led_region_ids

from .models import AgendaItem, AgendaTemplate, Booking, Meeting, MeetingQuestion, Question

Status = Meeting.Status
ACTIVE_STATUSES = (Status.DRAFT, Status.INVITED, Status.HELD)

_CONTACT_PREFETCH = ("contact__organisation__facets",)


def meetings_base() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("region", "owner").prefetch_related(
        "co_owners", "facilitators"
    )


def meetings_visible_to(*, user) -> QuerySet[Meeting]:
    """Administrators and leaders see every meeting; facilitators the ones they facilitate."""
    qs = meetings_base()
    if is_administrator(user) or user.has_role(Role.LEADER):
        return qs
    if user.has_role(Role.FACILITATOR):
        return qs.filter(facilitators=user)
    return qs.none()


def meeting_list(*, user, scope: str = "upcoming", mine: bool = False) -> QuerySet[Meeting]:
    qs = meetings_visible_to(user=user)
    now = timezone.now()
    if scope == "upcoming":
        qs = qs.filter(ends_at__gte=now).exclude(status=Status.CANCELLED).order_by("starts_at")
    elif scope == "past":
        qs = qs.filter(ends_at__lt=now).order_by("-starts_at")
    if mine:
        qs = qs.filter(Q(owner=user) | Q(co_owners=user) | Q(facilitators=user)).distinct()
    return qs


def meeting_for_page(*, pk: int) -> Meeting:
    """The meeting with everything its page shows, in a constant number of queries."""
    return (
        Meeting.objects.select_related("region", "owner", "kind_rated_by")
        .prefetch_related(
            "co_owners",
            "facilitators",
            "internal_attendees",
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position", "pk")),
            Prefetch(
                "bookings",
                queryset=Booking.objects.select_related("contact__organisation")
                .prefetch_related("contact__organisation__facets")
                .order_by("contact__organisation__name", "contact__name"),
            ),
            "prep_items__done_by",
            Prefetch(
                "questions",
                queryset=MeetingQuestion.objects.select_related("question").order_by(
                    "position", "pk"
                ),
            ),
        )
        .get(pk=pk)
    )


def region_facets(*, meeting: Meeting) -> list[Facet]:
    return list(Facet.objects.filter(organisations__region_id=meeting.region_id).distinct())


@dataclass
class AgendaRow:
    item: AgendaItem
    starts_minute: int
    ends_minute: int
    clock: str  # start time of the item in the meeting's time zone, e.g. "10:45"


@dataclass
class AgendaTiming:
    rows: list[AgendaRow] = field(default_factory=list)
    total_minutes: int = 0
    meeting_minutes: int = 0

    @property
    def overrun_minutes(self) -> int:
        return max(0, self.total_minutes - self.meeting_minutes)


def agenda_timing(*, meeting: Meeting, items) -> AgendaTiming:
    """Running time of each item from the meeting's start, in the meeting's time zone."""
    tz = zoneinfo.ZoneInfo(meeting.time_zone)
    start = meeting.starts_at.astimezone(tz)
    timing = AgendaTiming(meeting_minutes=meeting.length_minutes)
    elapsed = 0
    for item in items:
        clock = (start + dt.timedelta(minutes=elapsed)).strftime("%H:%M")
        timing.rows.append(AgendaRow(item, elapsed, elapsed + item.minutes, clock))
        elapsed += item.minutes
    timing.total_minutes = elapsed
    return timing


def bookable_region_ids(*, meeting: Meeting, user) -> frozenset[int] | None:
    """The regions whose contacts `user` may book into `meeting`: the meeting's own and
    the regions they lead (customers/rules.py); None for administrators: every region."""
    if user is None or is_administrator(user):
        return None
    return frozenset({meeting.region_id, *led_region_ids(user)})


def contacts_for_booking(
    *, meeting: Meeting, all_regions: bool = False, search: str = "", user=None
):
    """Contacts who may be booked: the meeting's region by default, never erased ones;
    with `all_regions`, those of every region `user` may book from (bookable_region_ids).

    Listed like "invite next": key customers first, then strategic, and within a tier the
    organisations met longest ago (or never) first. `last_met` is the start of the last
    held or closed meeting a contact of the organisation attended."""

    tier_rank = Case(
        When(organisation__tier=Organisation.Tier.KEY, then=Value(0)),
        When(organisation__tier=Organisation.Tier.STRATEGIC, then=Value(1)),
        default=Value(2),
    )
    qs = (
        Contact.objects.filter(erased_at__isnull=True)
        .select_related("organisation")
        .prefetch_related("organisation__facets")
        .annotate(
            tier_rank=tier_rank,
            last_met=Max(
                "organisation__contacts__bookings__meeting__starts_at",
                filter=Q(
                    organisation__contacts__bookings__attended=True,
                    organisation__contacts__bookings__meeting__status__in=(
                        Status.HELD,
                        Status.CLOSED,
                    ),
                ),
            ),
        )
        .order_by("tier_rank", F("last_met").asc(nulls_first=True), "organisation__name", "name")
    )
    if not all_regions:
        qs = qs.filter(organisation__region_id=meeting.region_id)
    elif (region_ids := bookable_region_ids(meeting=meeting, user=user)) is not None:
        qs = qs.filter(organisation__region_id__in=region_ids)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(organisation__name__icontains=search))
    return qs


def contacts_with_facets(*, ids, region_ids: frozenset[int] | None = None) -> list[Contact]:
    """The contacts of `ids` (of `region_ids` only, when given: ids sent from elsewhere
    are left out, so the caller sees fewer than it asked for)."""
    qs = Contact.objects.filter(pk__in=ids)
    if region_ids is not None:
        qs = qs.filter(organisation__region_id__in=region_ids)
    return list(
        qs.select_related("organisation")
        .prefetch_related("organisation__facets")
        .order_by("organisation__name", "name")
    )


def upcoming_meetings_for_contact(*, contact: Contact, user) -> QuerySet[Meeting]:
    """Meetings still to come in the contact's region that `user` may book guests into."""
    qs = (
        meetings_base()
        .filter(
            region_id=contact.organisation.region_id,
            starts_at__gt=timezone.now(),
            status__in=(Status.DRAFT, Status.INVITED),
        )
        .order_by("starts_at")
    )
    if not is_administrator(user):
        qs = qs.filter(Q(owner=user) | Q(co_owners=user)).distinct()
    return qs


def meetings_upcoming(*, user, role: str) -> QuerySet[Meeting]:
    """Meetings not over yet, neither closed nor cancelled, soonest first: those the user
    owns or co-owns (Leader) or facilitates (Facilitator); none for another role."""
    qs = Meeting.objects.filter(ends_at__gte=timezone.now(), status__in=ACTIVE_STATUSES)
    if role == Role.LEADER:
        qs = qs.filter(Q(owner=user) | Q(co_owners=user))
    elif role == Role.FACILITATOR:
        qs = qs.filter(facilitators=user)
    else:
        return Meeting.objects.none()
    return qs.distinct().order_by("starts_at")


def active_questions() -> QuerySet[Question]:
    return Question.objects.filter(is_active=True)


def staff_choices(role: Role) -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name=role.value).distinct()


@dataclass
class RhythmCell:
    meetings: list[Meeting]
    has_customer_guest: bool
    is_future: bool = False


@dataclass
class RhythmRow:
    country: object
    cells: list[RhythmCell]


def rhythm(*, months: list[dt.date], user) -> list[RhythmRow]:
    """Countries × months: each month's meetings and whether any had a customer guest.

    A month with no customer guest (no meeting, or none with a guest booked) is flagged.
    Countries are those of every region plus any that held a meeting. Two queries."""

    first = months[0]
    last = months[-1]
    end = dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    # A meeting belongs to the month of its own calendar (a 07:00 meeting in Tokyo on
    # 1 April is an April meeting, though it is still March in London): fetch a day
    # either side of the range, then sort by the meeting's local date.
    tz = timezone.get_current_timezone()
    start_at = dt.datetime(first.year, first.month, 1, tzinfo=tz) - dt.timedelta(days=1)
    end_at = dt.datetime(end.year, end.month, 1, tzinfo=tz) + dt.timedelta(days=1)
    meetings = list(
        meetings_visible_to(user=user)
        .filter(starts_at__gte=start_at, starts_at__lt=end_at)
        .exclude(status=Status.CANCELLED)
        # Customer guests only: front-line staff invited like guests are ours.
        .prefetch_related(
            Prefetch(
                "bookings", queryset=Booking.objects.filter(contact__organisation__isnull=False)
            )
        )
        .order_by("starts_at")
    )
    countries: dict[str, object] = {}
    for region in Region.objects.all():
        for country in region.countries:
            countries.setdefault(country.code, country)
    for meeting in meetings:
        countries.setdefault(meeting.country.code, meeting.country)
    index = {(m.year, m.month): n for n, m in enumerate(months)}
    grid: dict[str, list[list[Meeting]]] = {code: [[] for _ in months] for code in countries}
    for meeting in meetings:
        local = meeting.starts_at.astimezone(zoneinfo.ZoneInfo(meeting.time_zone))
        n = index.get((local.year, local.month))
        if n is not None:
            grid[meeting.country.code][n].append(meeting)
    this_month = timezone.localdate().replace(day=1)
    rows = []
    for code, country in sorted(countries.items(), key=lambda kv: str(kv[1].name)):
        cells = [
            RhythmCell(
                meetings=cell,
                has_customer_guest=any(len(m.bookings.all()) > 0 for m in cell),
                is_future=month > this_month,
            )
            for month, cell in zip(months, grid[code], strict=True)
        ]
        rows.append(RhythmRow(country=country, cells=cells))
    return rows


def rhythm_months(*, start: dt.date, count: int = 12) -> list[dt.date]:
    months = []
    year, month = start.year, start.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def agenda_templates_for(*, user) -> QuerySet[AgendaTemplate]:
    """The templates a user may start a meeting from: the shared ones and their own
    (administrators: all)."""
    templates = AgendaTemplate.objects.select_related("owner")
    if user.has_role(Role.ADMINISTRATOR):
        return templates
    return templates.filter(Q(owner__isnull=True) | Q(owner=user))
