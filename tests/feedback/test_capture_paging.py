"""The capture page stays small however much was said: the latest items, older on demand."""

import gzip
import re
import uuid

import pytest
from django.urls import reverse

from feedback.models import FeedbackItem
from feedback.selectors import CAPTURE_PAGE_SIZE

HTMX = {"HX-Request": "true"}
# A long, realistic item: what a facilitator types when a guest talks for a minute.
TEXT = (
    "The ordering portal logs us out every twenty minutes, so the team re-enters the same "
    "order three times; we would simplify it to one screen with the delivery date. {n}"
)


@pytest.fixture
def thousand(running):
    FeedbackItem.objects.bulk_create(
        FeedbackItem(
            meeting=running.meeting,
            number=n,
            text=TEXT.format(n=n),
            meeting_date=running.meeting.starts_at.date(),
            idempotency_key=uuid.uuid4(),
        )
        for n in range(1, 1001)
    )
    return running


def numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-number="(\d+)"', html)]


def test_capture_page_with_1000_items_sends_at_most_200_kb(
    client, thousand, django_assert_max_num_queries
):
    client.force_login(thousand.facilitator)
    url = reverse("feedback:capture", args=[thousand.meeting.pk])
    # 23, and one for the room's counts (customer guests, organisations, front-line staff).
    with django_assert_max_num_queries(24):
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) <= 200_000
    html = gzip.decompress(response.content).decode()
    # Bounded before compression too: the latest page, newest first, and the total.
    assert len(html.encode()) <= 200_000
    assert numbers(html) == list(range(1000, 1000 - CAPTURE_PAGE_SIZE, -1))
    assert '<span class="badge" id="capture-count">1000</span>' in html
    assert f"?before={1001 - CAPTURE_PAGE_SIZE}" in html
    assert "Older items" in html


def test_older_items_come_a_page_at_a_time_until_the_first(client, thousand):
    client.force_login(thousand.facilitator)
    url = reverse("feedback:capture_older", args=[thousand.meeting.pk])
    seen = list(range(1000, 1000 - CAPTURE_PAGE_SIZE, -1))
    before = seen[-1]
    while before:
        html = client.get(url, {"before": before}, headers=HTMX).content.decode()
        page = numbers(html)
        assert page == list(range(before - 1, max(before - 1 - CAPTURE_PAGE_SIZE, 0), -1))
        seen += page
        link = re.search(r'hx-swap-oob="outerHTML"[^>]*>.*?\?before=(\d+)"', html)
        before = int(link.group(1)) if link else None
    assert seen == list(range(1000, 0, -1))
    # The last page replaces the link with an empty, hidden placeholder.
    assert 'id="capture-older"' in html
    assert "Older items" not in html


def test_without_javascript_older_items_are_a_page_of_their_own(client, thousand):
    client.force_login(thousand.facilitator)
    capture = reverse("feedback:capture", args=[thousand.meeting.pk])
    older = reverse("feedback:capture_older", args=[thousand.meeting.pk])
    response = client.get(older, {"before": 60})
    assert response.status_code == 302
    assert response["Location"] == f"{capture}?before=60"
    html = client.get(capture, {"before": 60}).content.decode()
    assert numbers(html) == list(range(59, 9, -1))
    assert "Back to the latest items" in html
    assert 'data-paged="1"' in html
    assert "?before=10" in html


@pytest.mark.parametrize("before", ["abc", "0", "-3", "99999999999999999999999", "²"])
def test_a_bad_cursor_is_a_message_or_the_latest_page_never_a_500(client, thousand, before):
    client.force_login(thousand.facilitator)
    capture = reverse("feedback:capture", args=[thousand.meeting.pk])
    html = client.get(capture, {"before": before}).content.decode()
    assert numbers(html)[0] == 1000
    older = reverse("feedback:capture_older", args=[thousand.meeting.pk])
    assert client.get(older, {"before": before}, headers=HTMX).status_code == 400


def test_a_reload_after_an_edit_sends_only_what_the_page_shows(
    client, thousand, django_assert_max_num_queries
):
    client.force_login(thousand.facilitator)
    poll = reverse("feedback:capture_poll", args=[thousand.meeting.pk])
    # The page shows the latest 50 and one older page: a reload brings those 100 back.
    with django_assert_max_num_queries(11):
        html = client.get(poll, {"since": 1000, "rev": -1, "from": 901}).content.decode()
    assert 'data-full="1"' in html
    assert sorted(numbers(html)) == list(range(901, 1001))
    assert 'data-total="1000"' in html
    # A page that shows nothing yet gets the latest page, never the whole meeting.
    html = client.get(poll, {"rev": -1}).content.decode()
    assert sorted(numbers(html)) == list(range(1001 - CAPTURE_PAGE_SIZE, 1001))


def test_a_quiet_poll_stays_cheap_at_1000_items(client, thousand, django_assert_max_num_queries):
    client.force_login(thousand.facilitator)
    poll = reverse("feedback:capture_poll", args=[thousand.meeting.pk])
    with django_assert_max_num_queries(9):
        html = client.get(poll, {"since": 1000, "rev": 0, "from": 951}).content.decode()
    assert numbers(html) == []
    assert "data-total" not in html
