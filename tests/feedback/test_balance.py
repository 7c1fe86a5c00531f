"""The balance meter on the capture page: counts, time boxes, the Advertisement and Love-In
warnings, and the one kind rule it shares with the suggestion after the meeting."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.urls import reverse

from feedback import balance as balance_module
from feedback import selectors
from feedback.balance import FOUR_F_PROMPTS, meeting_balance
from feedback.models import FeedbackItem
from feedback.selectors import meeting_kind_suggestion
from feedback.services import capture_section_set
from meetings.models import Meeting, Section
from tests.factories import (
    AgendaItemFactory,
    FeedbackItemFactory,
    MeetingFactory,
    facilitator,
)

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
Kind, Sentiment, Source = FeedbackItem.Kind, FeedbackItem.Sentiment, FeedbackItem.Source


@pytest.fixture
def meeting():
    host = facilitator()
    meeting = MeetingFactory(
        facilitators=[host],
        status=Meeting.Status.INVITED,
        starts_at=START,
        ends_at=START + dt.timedelta(hours=3),
    )
    AgendaItemFactory(meeting=meeting, section=Section.CUSTOMER, minutes=30, position=0)
    AgendaItemFactory(meeting=meeting, section=Section.CUSTOMER, minutes=15, position=1)
    AgendaItemFactory(meeting=meeting, section=Section.FINANCE, minutes=15, position=2)
    meeting.host = host
    return meeting


def _items(meeting, *specs):
    """specs: (count, kind, sentiment, source)."""
    for count, kind, sentiment, source in specs:
        for _n in range(count):
            FeedbackItemFactory(meeting=meeting, kind=kind, sentiment=sentiment, source=source)


def test_counts_guests_against_staff_and_praise_against_concerns_and_ideas(meeting):
    _items(
        meeting,
        (3, Kind.PRAISE, Sentiment.POSITIVE, Source.GUEST),
        (2, Kind.CONCERN, Sentiment.NEGATIVE, Source.GUEST_LINK),
        (1, Kind.IDEA, Sentiment.NEUTRAL, Source.GUEST),
        (4, Kind.QUESTION, Sentiment.NEUTRAL, Source.STAFF),
    )
    with time_machine.travel(START + dt.timedelta(minutes=20), tick=False):
        meter = meeting_balance(meeting=meeting)
    assert (meter.total, meter.guest, meter.staff) == (10, 6, 4)
    assert (meter.praise, meter.concerns_and_ideas) == (3, 3)
    assert meter.warning == ""
    assert meter.prompts == ()


def test_advertisement_warning_when_guests_are_barely_heard(meeting):
    _items(
        meeting,
        (1, Kind.CONCERN, Sentiment.NEGATIVE, Source.GUEST),
        (9, Kind.QUESTION, Sentiment.NEUTRAL, Source.STAFF),
    )
    meter = meeting_balance(meeting=meeting)
    assert meter.warning == Meeting.Kind.ADVERTISEMENT
    assert list(meter.prompts) == list(FOUR_F_PROMPTS)
    assert any("simplified or eliminated" in str(p) for p in meter.prompts)
    assert any("stop doing with us" in str(p) for p in meter.prompts)


def test_advertisement_threshold_is_a_fifth_of_items_from_guests(meeting):
    # 3 guest items of 16 (under a fifth): an Advertisement; of 15 (a fifth): not.
    _items(
        meeting,
        (3, Kind.CONCERN, Sentiment.NEGATIVE, Source.GUEST),
        (12, Kind.QUESTION, Sentiment.NEUTRAL, Source.STAFF),
    )
    assert meeting_balance(meeting=meeting).warning == ""
    _items(meeting, (1, Kind.QUESTION, Sentiment.NEUTRAL, Source.STAFF))
    assert meeting_balance(meeting=meeting).warning == Meeting.Kind.ADVERTISEMENT


def test_love_in_warning_when_nothing_but_praise(meeting):
    _items(meeting, (3, Kind.PRAISE, Sentiment.POSITIVE, Source.GUEST))
    meter = meeting_balance(meeting=meeting)
    assert meter.warning == Meeting.Kind.LOVE_IN
    assert meter.prompts
    # One idea from a guest is enough to stop calling it a Love-In.
    _items(meeting, (1, Kind.IDEA, Sentiment.NEUTRAL, Source.GUEST))
    assert meeting_balance(meeting=meeting).warning == ""


def test_no_warning_for_war_or_4f(meeting):
    _items(meeting, (6, Kind.CONCERN, Sentiment.NEGATIVE, Source.GUEST))
    meter = meeting_balance(meeting=meeting)
    assert meter.suggestion.kind == Meeting.Kind.WAR
    assert meter.warning == ""


@pytest.mark.parametrize(
    "specs",
    [
        [(3, Kind.PRAISE, Sentiment.POSITIVE, Source.GUEST)],
        [(1, Kind.CONCERN, Sentiment.NEGATIVE, Source.GUEST)],
        [(2, Kind.PRAISE, Sentiment.POSITIVE, Source.GUEST), (8, "question", "neutral", "staff")],
        [(6, Kind.CONCERN, Sentiment.NEGATIVE, Source.GUEST)],
        [(3, Kind.IDEA, Sentiment.NEUTRAL, Source.GUEST), (2, "praise", "positive", "guest")],
        [],
    ],
)
@pytest.mark.parametrize("status", [Meeting.Status.INVITED, Meeting.Status.HELD])
def test_live_meter_and_after_meeting_suggestion_agree(meeting, specs, status):
    meeting.status = status
    meeting.save(update_fields=["status"])
    _items(meeting, *specs)
    assert meeting_balance(meeting=meeting).suggestion == meeting_kind_suggestion(meeting)


def test_meter_and_suggestion_call_the_one_rule(meeting):
    """The live meter and the after-meeting suggestion are one function on one set of counts."""
    rule = selectors.suggest_kind
    assert balance_module.suggest_kind is rule
    _items(meeting, (3, Kind.PRAISE, Sentiment.POSITIVE, Source.GUEST))
    with (
        mock.patch.object(selectors, "suggest_kind", wraps=rule) as after,
        mock.patch.object(balance_module, "suggest_kind", wraps=rule) as live,
    ):
        meeting_balance(meeting=meeting)
        meeting_kind_suggestion(meeting)
    assert after.call_count == live.call_count == 1
    assert live.call_args == after.call_args


def test_time_per_section_against_the_time_box(meeting):
    # Customer from the start (9:00) to 9:50, then finance for 20 minutes.
    with time_machine.travel(START + dt.timedelta(minutes=50), tick=False):
        capture_section_set(meeting=meeting, section=Section.FINANCE)
    with time_machine.travel(START + dt.timedelta(minutes=70), tick=False):
        meter = meeting_balance(meeting=meeting)
    rows = {row.section: row for row in meter.sections}
    assert (rows["customer"].minutes, rows["customer"].box, rows["customer"].over) == (50, 45, True)
    assert (rows["finance"].minutes, rows["finance"].box, rows["finance"].current) == (20, 15, True)
    assert rows["finance"].over
    assert rows["other"].minutes == 0
    assert not rows["other"].current


def test_time_adds_up_when_a_section_is_revisited_and_nothing_counts_before_the_start(meeting):
    with time_machine.travel(START - dt.timedelta(minutes=20), tick=False):
        capture_section_set(meeting=meeting, section=Section.FINANCE)
    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
        capture_section_set(meeting=meeting, section=Section.CUSTOMER)
    with time_machine.travel(START + dt.timedelta(minutes=15), tick=False):
        capture_section_set(meeting=meeting, section=Section.FINANCE)
    with time_machine.travel(START + dt.timedelta(minutes=18), tick=False):
        meter = meeting_balance(meeting=meeting)
    rows = {row.section: row for row in meter.sections}
    assert rows["finance"].minutes == 8  # 5 before 9:05, 3 since 9:15
    assert rows["customer"].minutes == 10


def test_the_clock_stops_after_the_meeting(meeting):
    with time_machine.travel(START + dt.timedelta(days=7), tick=False):
        meter = meeting_balance(meeting=meeting)
    assert {row.section: row.minutes for row in meter.sections}["customer"] == 3 * 60 + 30


def _facilitator_client(client, meeting):
    client.force_login(meeting.host)
    return client


def test_capture_page_shows_the_meter_and_the_warning(client, meeting):
    _items(meeting, (3, Kind.PRAISE, Sentiment.POSITIVE, Source.GUEST))
    with time_machine.travel(START + dt.timedelta(minutes=20), tick=False):
        response = _facilitator_client(client, meeting).get(
            reverse("feedback:capture", args=[meeting.pk])
        )
    html = response.content.decode()
    assert 'id="balance-meter-' in html
    assert "Turning into a Love-In" in html
    assert "What would you stop doing with us?" in html
    assert "3 from guests · 0 from our staff" in html
    assert "20 of 45" in html


def test_poll_brings_the_meter_with_new_items_or_when_asked(client, meeting):
    url = reverse("feedback:capture_poll", args=[meeting.pk])
    _facilitator_client(client, meeting)
    quiet = client.get(url, {"since": 0, "rev": 0}).content.decode()
    assert "balance-meter" not in quiet
    asked = client.get(url, {"since": 0, "rev": 0, "meter": "1"}).content.decode()
    assert "balance-meter" in asked
    _items(meeting, (1, Kind.CONCERN, Sentiment.NEGATIVE, Source.GUEST))
    arrived = client.get(url, {"since": 0, "rev": 0}).content.decode()
    assert "balance-meter" in arrived
    assert "Turning into an Advertisement" in arrived


def test_meter_shows_counts_only_never_a_clock_time(client, meeting):
    _items(meeting, (1, Kind.CONCERN, Sentiment.NEGATIVE, Source.GUEST))
    with time_machine.travel(START + dt.timedelta(minutes=37), tick=False):
        html = (
            _facilitator_client(client, meeting)
            .get(reverse("feedback:capture_poll", args=[meeting.pk]), {"meter": "1"})
            .content.decode()
        )
    meter = html[html.index("balance-meter") :]
    assert "9:37" not in meter


def test_capture_page_and_poll_query_counts(client, meeting, django_assert_max_num_queries):
    _items(
        meeting,
        (5, Kind.PRAISE, Sentiment.POSITIVE, Source.GUEST),
        (5, Kind.CONCERN, Sentiment.NEGATIVE, Source.STAFF),
    )
    _facilitator_client(client, meeting)
    client.get(reverse("feedback:capture", args=[meeting.pk]))  # warm caches
    with django_assert_max_num_queries(16):
        client.get(reverse("feedback:capture", args=[meeting.pk]))
    with django_assert_max_num_queries(13):
        client.get(reverse("feedback:capture_poll", args=[meeting.pk]), {"meter": "1"})
