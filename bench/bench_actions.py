"""Actions and charter: page and selector times with a realistic volume.

Figures: the overdue-actions page and "my actions" page with 2,000 actions, the
missing-from-charter grouping with 1,000 heard expectations behind 60 meetings, and a
charter diff of two 60-item versions.
"""

import datetime as dt
import uuid

from common import Timer, setup_django, summary_ms

setup_django(scratch_sqlite="bench_actions.sqlite3")

from django.contrib.auth.models import Group  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from actions import selectors, services  # noqa: E402
from actions.models import Action, ExpectationLink  # noqa: E402
from customers.models import Contact, Organisation, Region  # noqa: E402
from feedback.models import FeedbackItem  # noqa: E402
from meetings.models import Booking, Meeting  # noqa: E402

N_ACTIONS = 2000
N_MEETINGS = 60
N_HEARD = 1000


def build():
    leaders = Group.objects.get_or_create(name="Leader")[0]
    owners = []
    for i in range(20):
        user = User.objects.create_user(username=f"owner{i}", email=f"o{i}@x.example")
        user.groups.add(leaders)
        owners.append(user)
    region = Region.objects.create(name="Bench region", countries=["GB"])
    orgs = [
        Organisation.objects.create(name=f"Org {i}", region=region, country="GB") for i in range(12)
    ]
    now = timezone.now()
    meetings = []
    for i in range(N_MEETINGS):
        start = now - dt.timedelta(days=7 * i + 1)
        meeting = Meeting.objects.create(
            title=f"Meeting {i}",
            region=region,
            country="GB",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            time_zone="Europe/London",
            owner=owners[0],
            status="held",
        )
        for j in range(3):
            contact = Contact.objects.create(
                organisation=orgs[(i + j) % len(orgs)],
                name=f"Guest {i}-{j}",
                email=f"g{i}-{j}@c.example",
            )
            Booking.objects.create(meeting=meeting, contact=contact, attended=True)
        meetings.append(meeting)
    today = timezone.localdate()
    Action.objects.bulk_create(
        Action(
            title=f"Action {i}",
            owner=owners[i % len(owners)],
            created_by=owners[0],
            meeting=meetings[i % N_MEETINGS],
            region=region,
            due_date=today + dt.timedelta(days=(i % 60) - 30),
            status=["open", "in_progress", "done"][i % 3],
        )
        for i in range(N_ACTIONS)
    )
    charter = services.charter_create(name="Bench charter", region=region, by=owners[0])
    v1 = charter.versions.get()
    for i in range(60):
        services.charter_item_add(version=v1, by=owners[0], category="other", text=f"Item {i} text")
    services.charter_version_mark_reviewed(version=v1, by=owners[0])
    services.charter_version_publish(version=v1, by=owners[0])
    items = FeedbackItem.objects.bulk_create(
        FeedbackItem(
            meeting=meetings[i % N_MEETINGS],
            kind="expectation",
            sentiment="negative",
            text=f"Expectation {i}",
            number=1000 + i,
            meeting_date=today,
            idempotency_key=uuid.uuid4(),
        )
        for i in range(N_HEARD)
    )
    ExpectationLink.objects.bulk_create(
        ExpectationLink(
            feedback_item=item, charter=charter, label=f"Group {i % 40}", linked_by=owners[0]
        )
        for i, item in enumerate(items)
    )
    v2 = services.charter_next_draft(charter=charter, by=owners[0])
    for item in list(v2.items.all())[:10]:
        services.charter_item_update(
            item=item, by=owners[0], category="other", text=item.text + " more"
        )
    return owners[0], charter, v1, v2


def timed(fn, n):
    values = []
    for _ in range(n):
        with Timer() as t:
            fn()
        values.append(t.seconds)
    return values


def main():
    owner, charter, v1, v2 = build()
    client = Client(HTTP_HOST="localhost")
    client.force_login(owner)
    for url in ("/actions/overdue/", "/actions/mine/", f"/actions/charter/{charter.pk}/missing/"):
        assert client.get(url).status_code == 200
        print(f"GET {url}: {summary_ms(timed(lambda url=url: client.get(url), 20))}")
    print(
        f"missing_from_charter ({N_HEARD} heard, 40 groups): "
        f"{summary_ms(timed(lambda: selectors.missing_from_charter(charter=charter), 20))}"
    )
    print(
        "charter_versions_diff (60 items): "
        f"{summary_ms(timed(lambda: selectors.charter_versions_diff(old=v1, new=v2), 50))}"
    )


if __name__ == "__main__":
    main()
