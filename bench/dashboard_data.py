"""Generate dashboard data: meetings with guest panels and realistic redacted feedback.

    python bench/dashboard_data.py --meetings 10000 --items 1000000   # the benchmark set
    python bench/dashboard_data.py --meetings 240 --items 6000 --themes   # demo-like

On PostgreSQL rows go in with COPY (psycopg 3), elsewhere with bulk_create in batches.
Texts come from a small phrase book per subject, so that theme suggestions have real
subjects to find. Most meetings have a panel of 3–4 organisations; a few have only one
or two, so that suppression has something to hide.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

REGIONS = [
    ("Northern Europe", ["GB", "IE", "SE"]),
    ("Western Europe", ["FR", "BE", "NL"]),
    ("Central Europe", ["DE", "AT", "CH"]),
    ("Southern Europe", ["ES", "IT", "PT"]),
    ("North America", ["US", "CA"]),
    ("Latin America", ["BR", "MX", "AR"]),
    ("Asia Pacific", ["AU", "SG", "JP"]),
    ("Middle East & Africa", ["AE", "ZA", "KE"]),
]
STAGES = ["Buying", "Onboarding", "Everyday use", "Support", "Renewal"]
SECTIONS = ["customer", "employees", "operations", "marketing", "sales", "finance", "other"]
SECTION_WEIGHTS = [40, 10, 20, 8, 10, 8, 4]

from bench.phrase_book import COMPANY_SUFFIX, COMPANY_WORDS, FILLERS, PHRASES  # noqa: E402


def _texts(rng: random.Random):
    subjects = list(PHRASES)
    weights = [9, 8, 8, 7, 6, 6, 5, 4, 4, 3]
    while True:
        subject = rng.choices(subjects, weights)[0]
        section, stage, phrases = PHRASES[subject]
        kind, sentiment, text = rng.choice(phrases)
        if rng.random() < 0.2:
            section = rng.choices(SECTIONS, SECTION_WEIGHTS)[0]
        yield subject, section, stage, kind, sentiment, text + rng.choice(FILLERS) + "."


def generate(*, meetings: int, items: int, seed: int = 8, themes: bool = False, out=print) -> dict:
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from customers.models import Contact, Organisation, Region
    from feedback.models import JourneyStage
    from meetings.models import Booking, Meeting

    rng = random.Random(seed)
    started = time.perf_counter()
    with transaction.atomic():
        owner, _ = User.objects.get_or_create(username="bench-leader")
        owner.groups.add(Group.objects.get_or_create(name=Role.LEADER.value)[0])
        regions = []
        for name, countries in REGIONS:
            region, _ = Region.objects.get_or_create(
                name=name, defaults={"countries": countries, "time_zone": "UTC"}
            )
            regions.append((region, countries))
        stages = {
            name: JourneyStage.objects.get_or_create(name=name, defaults={"position": i})[0].pk
            for i, name in enumerate(STAGES)
        }
        n_orgs = max(12, meetings // 5)
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_SUFFIX)} {i}",
                region=regions[i % len(regions)][0],
                country=regions[i % len(regions)][1][0],
            )
            for i in range(n_orgs)
        )
        contacts = Contact.objects.bulk_create(
            Contact(
                organisation=o, name=f"Guest {i} of {o.name}", email=f"g{i}-{seed}@bench.example"
            )
            for i, o in enumerate(organisations)
        )
        by_region: dict[int, list] = {}
        for contact, organisation in zip(contacts, organisations, strict=True):
            by_region.setdefault(organisation.region_id, []).append(contact)
        today = timezone.now().replace(day=15, hour=10, minute=0, second=0, microsecond=0)
        months = 24
        kinds = ["4f", "4f", "4f", "love_in", "advertisement", "war", ""]
        meeting_objs = []
        for i in range(meetings):
            region, countries = regions[i % len(regions)]
            starts = today - dt.timedelta(days=30 * (i % months) + rng.randint(0, 20))
            meeting_objs.append(
                Meeting(
                    title=f"Leadership meeting {i}",
                    type="panel" if rng.random() < 0.2 else "leadership",
                    region=region,
                    country=rng.choice(countries),
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=3),
                    time_zone="UTC",
                    owner=owner,
                    status=Meeting.Status.HELD,
                    kind=rng.choice(kinds),
                )
            )
        meeting_objs = Meeting.objects.bulk_create(meeting_objs, batch_size=2000)
        bookings = []
        for meeting in meeting_objs:
            pool = by_region[meeting.region_id]
            size = rng.choices([1, 2, 3, 4], [3, 4, 50, 43])[0]
            for contact in rng.sample(pool, min(size, len(pool))):
                bookings.append(
                    Booking(meeting=meeting, contact=contact, rsvp="accepted", attended=True)
                )
        Booking.objects.bulk_create(bookings, batch_size=5000)
    out(f"  {meetings} meetings, {len(bookings)} bookings in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    texts = _texts(rng)
    per_meeting = max(1, items // meetings)
    columns = ("meeting_id", "section", "kind", "sentiment", "stage_id", "source", "text",
               "number", "meeting_date", "idempotency_key")  # fmt: skip
    subjects: list[str] = []

    def rows():
        made = 0
        for index, meeting in enumerate(meeting_objs):
            count = per_meeting if index < len(meeting_objs) - 1 else items - made
            date = meeting.starts_at.date()
            for number in range(1, count + 1):
                subject, section, stage, kind, sentiment, text = next(texts)
                stage_id = stages[stage] if rng.random() < 0.6 else None
                if themes is False:
                    subjects.append(subject)
                yield (
                    meeting.pk, section, kind, sentiment, stage_id,
                    "guest" if rng.random() < 0.85 else "staff",
                    text, number, date, uuid.UUID(int=rng.getrandbits(128), version=4),
                )  # fmt: skip
            made += count

    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY feedback_feedbackitem ({', '.join(columns)}) FROM STDIN"
            ) as copy,
        ):
            for row in rows():
                copy.write_row(row)
    else:
        from feedback.models import FeedbackItem

        batch = []
        for row in rows():
            batch.append(FeedbackItem(**dict(zip(columns, row, strict=True))))
            if len(batch) >= 5000:
                FeedbackItem.objects.bulk_create(batch)
                batch = []
        FeedbackItem.objects.bulk_create(batch)
    out(f"  {items} feedback items in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE feedback_feedbackitem")

    started = time.perf_counter()
    if themes:
        from dashboard.themes import themes_recompute

        themes_recompute()
        out(f"  themes computed in {time.perf_counter() - started:.1f} s")
    else:
        _synthetic_themes(subjects)
        out(
            f"  themes assigned from the generator's subjects in {time.perf_counter() - started:.1f} s"
        )
    from dashboard.aggregates import cube_refresh

    state = cube_refresh()  # writes the highlights too
    out(f"  aggregates and highlights refreshed in {state.seconds:.1f} s")
    if connection.vendor == "postgresql":
        # What autovacuum would do soon after a bulk load: fresh statistics for the planner.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"meetings": meetings, "items": items}


def _synthetic_themes(subjects: list[str]) -> None:
    """At a million items, assign each item its generator subject as a theme (fast, COPY)."""
    from django.db import connection

    from dashboard.models import Theme, ThemeItem
    from feedback.models import FeedbackItem

    theme_ids = {
        s: Theme.objects.get_or_create(
            key=f"bench:{s}",
            defaults={
                "name": s.replace("_", " ").capitalize(),
                "origin": "suggested",
                "keywords": [s],
            },
        )[0].pk
        for s in PHRASES
    }
    ids = FeedbackItem.objects.order_by("meeting_id", "number").values_list("pk", flat=True)
    ordered = list(ids.iterator(chunk_size=50_000))[-len(subjects) :]
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                "COPY dashboard_themeitem (theme_id, item_id, score, example) FROM STDIN"
            ) as copy,
        ):
            examples: dict[str, int] = {}
            for item_id, subject in zip(ordered, subjects, strict=True):
                examples[subject] = examples.get(subject, 0) + 1
                # About ten examples per theme, as themes_recompute keeps, spread over meetings.
                copy.write_row(
                    (
                        theme_ids[subject],
                        item_id,
                        1.0,
                        examples[subject] % 997 == 0 and examples[subject] < 10_000,
                    )
                )
    else:
        ThemeItem.objects.bulk_create(
            (
                ThemeItem(theme_id=theme_ids[s], item_id=i, score=1.0, example=n % 50 == 0)
                for n, (i, s) in enumerate(zip(ordered, subjects, strict=True))
            ),
            batch_size=5000,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--themes", action="store_true", help="compute themes with scikit-learn")
    args = parser.parse_args()
    from bench.common import setup_django

    setup_django(scratch_sqlite="dashboard.sqlite3")
    generate(meetings=args.meetings, items=args.items, themes=args.themes)


if __name__ == "__main__":
    main()
