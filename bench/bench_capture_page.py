"""The capture page's size and time with 1,000 items captured (issue #21: at most 200 KB).

Prints the bytes sent (HTML and gzip, as a browser asks for it), the number of rows on
the page and the query count, next to a floor measured in the same run: the same page
for a meeting with nothing captured (the page's fixed part), and the full list of 1,000
rows as the page sent it before paging. Also the p50/p95 of the page and of a quiet poll.
"""

import gzip
import os
import re
import uuid

from common import (
    Timer,
    drop_scratch,
    running_meeting,
    scratch_postgres,
    setup_django,
    summary_ms,
)

scratch = scratch_postgres("capture_page")
setup_django(scratch_sqlite="bench_capture_page.sqlite3")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from customers.models import Region  # noqa: E402
from feedback.models import FeedbackItem  # noqa: E402
from feedback.rows import item_row  # noqa: E402

setup_test_environment()
ITEMS = 1000
RUNS = 30
TEXT = (
    "The ordering portal logs us out every twenty minutes, so the team re-enters the same "
    "order three times; we would simplify it to one screen with the delivery date. {n}"
)


class Counted(list):
    """The statements a block runs (Django empties `connection.queries` per request)."""

    def __call__(self, execute, sql, params, many, context):
        self.append(sql)
        return execute(sql, params, many, context)


def counted(client: Client, url: str):
    queries = Counted()
    with connection.execute_wrapper(queries):
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
    return response, queries


def measure(client: Client, url: str) -> tuple[int, int, int, int, list[float]]:
    response, queries = counted(client, url)
    assert response.status_code == 200, response.status_code
    html = gzip.decompress(response.content)
    rows = len(re.findall(rb'class="capture-item ', html))
    times = []
    for _ in range(RUNS):
        with Timer() as timer:
            client.get(url, headers={"Accept-Encoding": "gzip"})
        times.append(timer.seconds)
    return len(html), len(response.content), rows, len(queries), times


def main() -> None:
    from django.contrib.auth.models import Group

    facilitator = User.objects.create(username="bench-facilitator", first_name="Bench")
    facilitator.groups.add(Group.objects.get_or_create(name=Role.FACILITATOR.value)[0])
    region = Region.objects.create(name="Bench", countries=["GB"], time_zone="Europe/London")
    full = running_meeting("Bench capture, 1,000 items", facilitator, region)
    empty = running_meeting("Bench capture, nothing yet", facilitator, region)
    FeedbackItem.objects.bulk_create(
        FeedbackItem(
            meeting=full,
            number=n,
            text=TEXT.format(n=n),
            meeting_date=full.starts_at.date(),
            idempotency_key=uuid.uuid4(),
        )
        for n in range(1, ITEMS + 1)
    )
    client = Client()
    client.force_login(facilitator)
    page = measure(client, f"/feedback/meetings/{full.pk}/capture/")
    floor = measure(client, f"/feedback/meetings/{empty.pk}/capture/")
    # Every row, as the page sent them all before paging (rows only, without the page).
    rows = FeedbackItem.objects.filter(meeting=full).prefetch_related("tags")
    every_row = "".join(
        item_row(_decorated(item), can_capture=True, can_add_action=True, csrf_token="x" * 64)
        for item in rows
    ).encode()
    poll = f"/feedback/meetings/{full.pk}/capture/poll/?since={ITEMS}&rev=0&from={ITEMS - 49}"
    poll_times = []
    _response, poll_queries = counted(client, poll)
    for _ in range(RUNS):
        with Timer() as timer:
            client.get(poll)
        poll_times.append(timer.seconds)
    load = os.getloadavg()
    print(f"capture page, {ITEMS} items ({connection.vendor}; load {load[0]:.2f} {load[1]:.2f})")
    print(
        f"  page:  {page[0] / 1000:.1f} KB HTML, {page[1] / 1000:.1f} KB gzip sent, "
        f"{page[2]} rows, {page[3]} queries, {summary_ms(page[4])}"
    )
    print(
        f"  floor (nothing captured): {floor[0] / 1000:.1f} KB HTML, {floor[1] / 1000:.1f} KB "
        f"gzip, {floor[3]} queries, {summary_ms(floor[4])}"
    )
    print(
        f"  all {ITEMS} rows unpaged (before #21): {len(every_row) / 1000:.1f} KB HTML, "
        f"{len(gzip.compress(every_row)) / 1000:.1f} KB gzip"
    )
    print(f"  quiet poll: {len(poll_queries)} queries, {summary_ms(poll_times)}")
    print(f"  limit: 200 KB sent -> {'ok' if page[1] <= 200_000 else 'OVER'}")


def _decorated(item):
    item.display_tags = [t.name for t in item.tags.all()]
    item.stage_name = ""
    return item


try:
    main()
finally:
    drop_scratch(scratch)
