"""Demo meetings: a year of monthly leadership meetings in three countries.

Runs after the customers demo; it uses the regions, organisations and contacts it
finds and creates what it needs (by name, with get_or_create) when they are missing.
Some meetings are customer panels; some agendas are still in the old order (finance
first) so that "Put customers first" has something to do; past meetings have their
attendance marked and their kind rated. Idempotent: meetings are found by title.
"""

import datetime as dt
import zoneinfo

from django.utils import timezone

from accounts.models import User
from customers.models import Contact, Facet, Organisation, Region

from .defaults import DEFAULT_AGENDA, DEFAULT_PREP_ITEMS
from .models import AgendaItem, Booking, Meeting, MeetingQuestion, PrepItem, Question, Section

# name, country, time zone
DEMO_REGIONS = [
    ("UK & Ireland", "GB", "Europe/London"),
    ("France", "FR", "Europe/Paris"),
    ("DACH", "DE", "Europe/Berlin"),
]
DEMO_FACETS = ["Retail", "Wholesale", "Public sector"]
OLD_ORDER_AGENDA = [
    (Section.OTHER, "Actions from last meeting", 15),
    (Section.FINANCE, "Financial results", 30),
    (Section.OPERATIONS, "SLA dashboard", 25),
    (Section.SALES, "Sales pipeline", 20),
    (Section.MARKETING, "Marketing programmes", 15),
    (Section.CUSTOMER, "Customer guest: how do you see us?", 40),
    (Section.EMPLOYEES, "People update", 15),
]
# One front-line colleague per region, invited like a guest to the Employees item of the
# coming leadership meetings (a contact without organisation: docs/meetings.md).
FRONT_LINE_STAFF = [
    ("Maeve Kilbride", "maeve.kilbride@ours.example"),
    ("Joaquim Ferreira", "joaquim.ferreira@ours.example"),
    ("Adaeze Nwosu", "adaeze.nwosu@ours.example"),
]
KINDS = ["4f", "4f", "love_in", "4f", "advertisement", "4f", "war", "4f", "4f"]
KIND_REASONS = {
    "4f": "Guests named two concerns and an idea; staff asked follow-up questions.",
    "love_in": "Warm thanks on both sides, but nobody named anything to improve.",
    "advertisement": "We presented for most of the time; the guests barely spoke.",
    "war": "An unresolved outage dominated; the discussion turned hostile.",
}


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _organisations(region: Region, country: str, facets: list[Facet]) -> list[Organisation]:
    orgs = list(
        Organisation.objects.filter(region=region, contacts__erased_at__isnull=True)
        .distinct()
        .prefetch_related("facets")
        .order_by("name")[:8]
    )
    n = 1
    while len(orgs) < 5:
        name = f"{region.name} Customer {n}"
        n += 1
        org = Organisation.objects.filter(name__iexact=name).first()
        if org is None:
            org = Organisation.objects.create(
                name=name, region=region, country=country, tier=Organisation.Tier.KEY
            )
            org.facets.set([facets[len(orgs) % len(facets)]])
        if org.region_id != region.pk or org in orgs:
            continue
        if not org.contacts.filter(erased_at__isnull=True).exists():
            slug = name.lower().replace(" ", "-").replace("&", "and")
            Contact.objects.get_or_create(
                email=f"guest@{slug}.example",
                defaults={"organisation": org, "name": f"Guest of {name}", "job_title": "COO"},
            )
        orgs.append(org)
    return orgs


def _regions() -> list[tuple[Region, str]]:
    """Three (region, country) pairs: existing regions with customers first, else ours."""
    chosen: list[tuple[Region, str]] = []
    for region in Region.objects.filter(organisations__isnull=False).distinct().order_by("name"):
        if region.countries:
            chosen.append((region, region.countries[0].code))
        if len(chosen) == 3:
            break
    for name, country, tz in DEMO_REGIONS:
        if len(chosen) == 3:
            break
        region, _ = Region.objects.get_or_create(
            name=name, defaults={"countries": [country], "time_zone": tz}
        )
        if all(r.pk != region.pk for r, _ in chosen):
            chosen.append((region, region.countries[0].code if region.countries else country))
    # A stable order, so that running the demo again finds the same meetings.
    return sorted(chosen, key=lambda pair: pair[0].name)


def _month_start(base: dt.date, offset: int) -> dt.date:
    index = base.year * 12 + base.month - 1 + offset
    return dt.date(index // 12, index % 12 + 1, 1)


def seed(*, stdout) -> None:
    leaders = [u for u in (_user("leader"), _user("leader2")) if u]
    facilitators = [u for u in (_user("facilitator"), _user("facilitator2")) if u]
    if not leaders:
        stdout.write("  meetings: skipped (no demo leader)")
        return
    facets = [Facet.objects.get_or_create(name=name)[0] for name in DEMO_FACETS]
    questions = list(Question.objects.filter(is_active=True)[:4])
    now = timezone.now()
    today = timezone.localdate()
    created = 0
    for r, (region, country) in enumerate(_regions()):
        owner = leaders[r % len(leaders)]
        region.leaders.add(owner)
        orgs = _organisations(region, country, facets)
        contacts = [org.contacts.filter(erased_at__isnull=True).first() for org in orgs]
        tz = zoneinfo.ZoneInfo(region.time_zone)
        for offset in range(-10, 2):
            month = _month_start(today, offset)
            # One month per country is left without a customer guest: the rhythm shows the gap.
            if offset == -4 + r:
                continue
            is_panel = offset % 3 == 0
            title = (
                f"{region.name} {'customer panel' if is_panel else 'leadership meeting'} — "
                f"{month:%B %Y}"
            )
            if Meeting.objects.filter(title=title).exists():
                continue
            day = dt.date(month.year, month.month, 8 + r)
            while day.weekday() >= 5:  # leadership meetings fall on a working day
                day += dt.timedelta(days=1)
            start = dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=tz)
            meeting = Meeting.objects.create(
                title=title,
                type=Meeting.Type.PANEL if is_panel else Meeting.Type.LEADERSHIP,
                region=region,
                country=country,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=3),
                time_zone=region.time_zone,
                place=f"{region.name} head office",
                objectives="Hear how our key customers see us, unfiltered, and agree what we change.",
                owner=owner,
            )
            created += 1
            if facilitators:
                meeting.facilitators.set([facilitators[(r + offset) % len(facilitators)]])
            # Older meetings kept the old agenda order; the customer-first order spreads later.
            old_order = offset < -3 or offset == 1
            rows = OLD_ORDER_AGENDA if old_order else DEFAULT_AGENDA
            AgendaItem.objects.bulk_create(
                AgendaItem(meeting=meeting, section=s, title=t, minutes=m, position=p)
                for p, (s, t, m) in enumerate(rows)
            )
            PrepItem.objects.bulk_create(
                PrepItem(meeting=meeting, text=text, position=p)
                for p, text in enumerate(DEFAULT_PREP_ITEMS)
            )
            MeetingQuestion.objects.bulk_create(
                MeetingQuestion(meeting=meeting, question=q, position=p)
                for p, q in enumerate(questions)
            )
            # Panels book 3–4 customers; a leadership meeting books three, so that what
            # they said clears the dashboard's three-organisation rule.
            guests = [
                contacts[(offset + k) % len(contacts)]
                for k in range(3 + (offset % 2) if is_panel else 3)
            ]
            past = start + dt.timedelta(hours=3) < now
            bookings = Booking.objects.bulk_create(
                Booking(
                    meeting=meeting,
                    contact=c,
                    rsvp=Booking.Rsvp.ACCEPTED if past or offset == 1 else Booking.Rsvp.PENDING,
                    attended=(n != 3) if past else None,
                )
                for n, c in enumerate(dict.fromkeys(guests))
            )
            if offset >= 0 and not is_panel:
                name, email = FRONT_LINE_STAFF[r % len(FRONT_LINE_STAFF)]
                colleague, _ = Contact.objects.get_or_create(
                    email=email, defaults={"organisation": None, "name": name}
                )
                Booking.objects.create(
                    meeting=meeting,
                    contact=colleague,
                    rsvp=Booking.Rsvp.ACCEPTED if past else Booking.Rsvp.PENDING,
                )
            if past:
                PrepItem.objects.filter(meeting=meeting).update(
                    done_at=start - dt.timedelta(days=3)
                )
                if offset in (-1, 0) and r == 0:
                    meeting.status = Meeting.Status.HELD  # waiting for its rating
                    Booking.objects.filter(pk__in=[b.pk for b in bookings]).update(attended=None)
                else:
                    kind = KINDS[(offset + r) % len(KINDS)]
                    meeting.status = Meeting.Status.CLOSED
                    meeting.kind = kind
                    meeting.kind_reason = KIND_REASONS[kind]
                    meeting.kind_rated_by = meeting.facilitators.first()
            elif offset == 1:
                meeting.status = Meeting.Status.INVITED
            meeting.save()
    stdout.write(f"  meetings: {created} new demo meetings ({Meeting.objects.count()} in all)")
