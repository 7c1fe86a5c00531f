"""The meeting page with a 40-item agenda: query count and page time.

Also shows the query count for a 4-item agenda, to make plain that it does not grow
with the number of agenda items and guests.
"""

import datetime as dt
import uuid

from common import Timer, setup_django, summary_ms

setup_django(scratch_sqlite="bench_meeting_page.sqlite3")

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from customers.models import Contact, Facet, Organisation, Region  # noqa: E402
from meetings import services  # noqa: E402
from meetings.models import AgendaItem, Booking, Meeting, MeetingQuestion, Question, Section  # noqa: E402

setup_test_environment()
RUNS = 40


def build(n_items: int, n_guests: int, suffix: str) -> Meeting:
    owner, _ = User.objects.get_or_create(username="bench-leader")
    owner.groups.add(Group.objects.get_or_create(name=Role.LEADER.value)[0])
    region, _ = Region.objects.get_or_create(
        name="Bench region", defaults={"countries": ["GB"], "time_zone": "Europe/London"}
    )
    facets = [Facet.objects.get_or_create(name=f"Bench facet {i}")[0] for i in range(3)]
    start = timezone.now() + dt.timedelta(days=10)
    meeting = services.meeting_create(
        owner=owner,
        title=f"Bench meeting {suffix}",
        type=Meeting.Type.PANEL,
        region=region,
        country="GB",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
        time_zone="Europe/London",
    )
    meeting.agenda_items.all().delete()
    sections = list(Section.values)
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            section=sections[i % len(sections)],
            title=f"Item {i}",
            minutes=5,
            position=i,
        )
        for i in range(n_items)
    )
    for i in range(n_guests):
        org = Organisation.objects.create(
            name=f"Bench org {suffix}-{i}", region=region, country="GB"
        )
        org.facets.set([facets[i % 3]])
        contact = Contact.objects.create(
            organisation=org, name=f"Guest {i}", email=f"g{suffix}{i}@bench.example"
        )
        Booking.objects.create(meeting=meeting, contact=contact)
    for p, q in enumerate(Question.objects.all()):
        MeetingQuestion.objects.create(meeting=meeting, question=q, position=p)
    return meeting


def measure(meeting: Meeting) -> tuple[int, list[float], int]:
    client = Client()
    client.force_login(User.objects.get(username="bench-leader"))
    url = f"/meetings/{meeting.pk}/"
    response = client.get(url)  # warm up
    assert response.status_code == 200, response.status_code
    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    times = []
    for _ in range(RUNS):
        with Timer() as timer:
            client.get(url)
        times.append(timer.seconds)
    return len(executed), times, len(response.content)


run = uuid.uuid4().hex[:6]  # a PostgreSQL DATABASE_URL keeps earlier runs' rows
small = build(4, 2, f"small-{run}")
large = build(40, 12, f"large-{run}")
small_queries, _, _ = measure(small)
large_queries, times, size = measure(large)
print(f"database: {connection.vendor}")
print(f"meeting page, 4 items / 2 guests:   {small_queries} queries")
print(f"meeting page, 40 items / 12 guests: {large_queries} queries, {size / 1024:.0f} KiB")
print(f"meeting page time (40 items): {summary_ms(times)}")
if large_queries != small_queries:
    raise SystemExit("query count grows with the agenda")
