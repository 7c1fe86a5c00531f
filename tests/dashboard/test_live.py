"""Live figures: captures, corrections, removals and attendance move the dashboard at
once, and the nightly rebuild finds exactly what the live updates left (no drift)."""

import datetime as dt
import random
import uuid

import pytest

from dashboard import aggregates, tasks
from dashboard.aggregates import cube_refresh
from dashboard.models import (
    CubeContribution,
    CubeState,
    FeedbackByDimension,
    FeedbackCube,
    FeedbackMonthly,
    Highlight,
    MeetingSignal,
    Theme,
    ThemeItem,
)
from dashboard.selectors import (
    CubeReader,
    Filters,
    concerns_by_section,
    highlights,
    volume_by_month,
)
from feedback.models import FeedbackItem
from feedback.services import feedback_capture, feedback_delete, feedback_update
from meetings.models import Booking
from meetings.services import booking_mark_attendance
from tests import factories as f

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)


def totals() -> dict:
    volume = volume_by_month(CubeReader(Filters()))
    return {
        "all": volume["total"].display,
        "by sentiment": {
            s: cell.display
            for (s, _label), cell in zip(volume["sentiments"], volume["column_totals"], strict=True)
        },
    }


def capture(meeting, text="The portal logs us out", **fields):
    return feedback_capture(
        meeting=meeting,
        text=text,
        idempotency_key=uuid.uuid4(),
        record_after_close=True,
        **fields,
    ).item


def test_an_item_captured_edited_and_removed_moves_the_figures_without_a_full_refresh(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    meeting = world.meeting(organisations=3, month=JAN)
    world.feedback(meeting, 4, sentiment="negative")
    world.refresh()
    assert totals()["all"] == 4
    monkeypatch.setattr(aggregates, "_rebuild", lambda: pytest.fail("a full rebuild ran"))
    with django_capture_on_commit_callbacks(execute=True):
        item = capture(meeting, kind="praise", sentiment="positive")
    assert totals() == {"all": 5, "by sentiment": {"negative": 4, "neutral": 0, "positive": 1}}
    with django_capture_on_commit_callbacks(execute=True):
        feedback_update(
            item=FeedbackItem.objects.select_related("meeting").get(pk=item.pk),
            text="Invoices arrive late",
            kind="concern",
            sentiment="neutral",
            section="sales",
            source="guest",
        )
    assert totals() == {"all": 5, "by sentiment": {"negative": 4, "neutral": 1, "positive": 0}}
    concerns = concerns_by_section(CubeReader(Filters()))
    assert "sales" in str(concerns)
    with django_capture_on_commit_callbacks(execute=True):
        feedback_delete(item=FeedbackItem.objects.select_related("meeting").get(pk=item.pk))
    assert totals() == {"all": 4, "by sentiment": {"negative": 4, "neutral": 0, "positive": 0}}
    state = CubeState.objects.get()
    assert (state.feedback_items, state.published_items) == (4, 4)


def test_a_guest_marked_absent_hides_the_cell_and_marked_present_shows_it_again(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    meeting = world.meeting(organisations=3, month=JAN)
    world.feedback(meeting, 2)
    world.refresh()
    monkeypatch.setattr(aggregates, "_rebuild", lambda: pytest.fail("a full rebuild ran"))
    one = Booking.objects.filter(meeting=meeting).first()
    with django_capture_on_commit_callbacks(execute=True):
        booking_mark_attendance(meeting=meeting, attendance={one.pk: False}, by=None)
    # Two organisations left: the meeting's cells no longer pass, in every figure.
    assert totals()["all"] == 0
    assert not MeetingSignal.objects.get(meeting=meeting).published
    with django_capture_on_commit_callbacks(execute=True):
        booking_mark_attendance(meeting=meeting, attendance={one.pk: True}, by=None)
    assert totals()["all"] == 2
    assert MeetingSignal.objects.get(meeting=meeting).published


def test_a_small_meeting_joins_a_cell_only_with_enough_organisations(
    world, django_capture_on_commit_callbacks
):
    # Two meetings of one and two organisations in the same cell: together they pass.
    small = world.meeting(organisations=1, month=FEB, country="GB", type="leadership")
    world.refresh()
    with django_capture_on_commit_callbacks(execute=True):
        capture(small, sentiment="negative", section="customer", kind="concern")
    assert totals()["all"] == 0
    other = world.meeting(organisations=2, month=FEB, country="GB", type="leadership")
    with django_capture_on_commit_callbacks(execute=True):
        capture(other, sentiment="negative", section="customer", kind="concern")
    assert totals()["all"] == 2


def listed() -> dict[str, list[str]]:
    """The dashboard's "what to simplify" and "what we dream of" lists, as shown."""
    return {value: lst.extra["texts"] for value, lst in highlights(Filters()).items()}


def no_rebuild(monkeypatch):
    """Only the live update may move the dashboard: a full rebuild or a theme
    recomputation fails the test."""
    monkeypatch.setattr(aggregates, "_rebuild", lambda: pytest.fail("a full rebuild ran"))
    monkeypatch.setattr(tasks, "themes_recompute", lambda: pytest.fail("themes recomputed"))


DREAM = "Our dream: one portal for every order"


def test_a_captured_dream_is_listed_at_once_and_leaves_with_its_correction_or_removal(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    meeting = world.meeting(organisations=3, month=JAN)
    world.feedback(meeting, 2, text="Invoices arrive late")
    world.refresh()
    no_rebuild(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        item = capture(meeting, text=DREAM, kind="idea", sentiment="positive")
    assert listed() == {"simplify": [], "dream": [DREAM]}
    with django_capture_on_commit_callbacks(execute=True):
        feedback_update(
            item=FeedbackItem.objects.select_related("meeting").get(pk=item.pk),
            text="One portal for every order",
            kind="idea",
            sentiment="positive",
            section="customer",
            source="guest",
        )
    assert listed() == {"simplify": [], "dream": []}
    with django_capture_on_commit_callbacks(execute=True):
        feedback_update(
            item=FeedbackItem.objects.select_related("meeting").get(pk=item.pk),
            text="Three forms could be eliminated",
            kind="concern",
            sentiment="negative",
            section="customer",
            source="guest",
        )
    assert listed() == {"simplify": ["Three forms could be eliminated"], "dream": []}
    with django_capture_on_commit_callbacks(execute=True):
        feedback_delete(item=FeedbackItem.objects.select_related("meeting").get(pk=item.pk))
    assert listed() == {"simplify": [], "dream": []}
    assert not Highlight.objects.exists()


def test_a_dream_captured_in_a_meeting_of_two_organisations_is_never_listed(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    small = world.meeting(organisations=2, month=JAN)
    world.refresh()
    no_rebuild(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        item = capture(small, text=DREAM, kind="idea", sentiment="positive")
    assert listed() == {"simplify": [], "dream": []}
    assert Highlight.objects.get(item=item).published is False
    # A third organisation's guest joins the meeting's cell: the whole cell is shown.
    with django_capture_on_commit_callbacks(execute=True):
        capture(
            world.meeting(organisations=1, month=JAN, country=small.country, type=small.type),
            text="A second idea from another guest",
            kind="idea",
            sentiment="positive",
        )
    assert listed()["dream"] == [DREAM]


def test_a_name_learnt_after_capture_leaves_the_highlight_when_its_meeting_changes(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    """Items said before a colleague was in the register still name them: the highlight
    drops the name at the meeting's next change, and at the nightly rebuild for a meeting
    that does not change."""
    said = "We would love a single portal, as {} said"
    changed, quiet = (world.meeting(organisations=3, month=m) for m in (JAN, FEB))
    for meeting, name in ((changed, "Quill Hartnell"), (quiet, "Wren Abernathy")):
        world.feedback(meeting, 1, kind="idea", sentiment="positive", text=said.format(name))
    world.refresh()
    f.ContactFactory(name="Quill Hartnell")
    f.ContactFactory(name="Wren Abernathy")
    with monkeypatch.context() as patched:
        no_rebuild(patched)
        with django_capture_on_commit_callbacks(execute=True):
            capture(changed, text="Invoices arrive late")
        assert said.format("[person]") in listed()["dream"]
    cube_refresh()
    assert listed()["dream"] == [said.format("[person]")]  # the list shows a text once
    assert list(Highlight.objects.values_list("text", flat=True)) == [said.format("[person]")] * 2


def snapshot() -> dict:
    """Everything the dashboard reads that the rebuild and the live updates write."""

    def rows(model, *fields):
        return sorted(model.objects.values_list(*fields), key=repr)

    cube = [f.name for f in FeedbackCube._meta.fields if f.name != "id"]
    monthly = [f.name for f in FeedbackMonthly._meta.fields if f.name != "id"]
    by_dimension = [f.name for f in FeedbackByDimension._meta.fields if f.name != "id"]
    contribution = [f.name for f in CubeContribution._meta.fields if f.name != "id"]
    signal = [f.name for f in MeetingSignal._meta.fields]
    state = CubeState.objects.get()
    return {
        "cube": rows(FeedbackCube, *cube),
        "monthly": rows(FeedbackMonthly, *monthly),
        "by dimension": rows(FeedbackByDimension, *by_dimension),
        "contributions": rows(CubeContribution, *contribution),
        "signals": rows(MeetingSignal, *signal),
        "examples": rows(ThemeItem.objects.filter(example=True).model, "item_id", "published"),
        "highlights": rows(Highlight, *[f.name for f in Highlight._meta.fields if f.name != "id"]),
        "state": (state.feedback_items, state.published_items),
    }


# Texts that answer "what to simplify", "what we dream of", both or neither (by kind).
TEXTS = [
    "The portal logs us out",
    "Three forms could be eliminated",
    "We would love a single portal",
    "Our dream: no paperwork at all",
    "Corrected text",
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_nightly_rebuild_finds_no_drift_after_random_changes(
    world, django_capture_on_commit_callbacks, seed
):
    rng = random.Random(seed)
    second = f.RegionFactory(name="Southern Europe", countries=["ES"])
    meetings = [
        world.meeting(
            organisations=rng.choice([1, 1, 2, 3, 4]),
            month=rng.choice([JAN, FEB]),
            region=rng.choice([world.region, second]),
            kind=rng.choice(["", "4f", "war"]),
            country="GB",
            type="leadership",
        )
        for _ in range(8)
    ]
    theme = Theme.objects.create(key="topic:portal", name="Portal", origin="suggested")
    for meeting in meetings:
        for _ in range(rng.randint(0, 3)):
            (item,) = world.feedback(
                meeting,
                sentiment=rng.choice(["negative", "neutral"]),
                kind=rng.choice(["concern", "idea"]),
                text=rng.choice(TEXTS),
            )
            ThemeItem.objects.create(theme=theme, item=item, example=rng.random() < 0.5)
    world.refresh()
    choices = {
        "kind": [c for c, _ in FeedbackItem.Kind.choices],
        "sentiment": [c for c, _ in FeedbackItem.Sentiment.choices],
        "section": ["customer", "sales", "operations"],
    }
    for _step in range(60):
        meeting = rng.choice(meetings)
        items = list(FeedbackItem.objects.filter(meeting=meeting).select_related("meeting"))
        action = rng.choice(["capture", "capture", "edit", "remove", "attendance"])
        with django_capture_on_commit_callbacks(execute=True):
            if action == "capture" or (action in ("edit", "remove") and not items):
                capture(
                    meeting,
                    text=rng.choice(TEXTS),
                    **{k: rng.choice(v) for k, v in choices.items()},
                )
            elif action == "edit":
                feedback_update(
                    item=rng.choice(items),
                    text=rng.choice(TEXTS),
                    source="guest",
                    **{k: rng.choice(v) for k, v in choices.items()},
                )
            elif action == "remove":
                feedback_delete(item=rng.choice(items))
            else:
                bookings = list(Booking.objects.filter(meeting=meeting))
                if bookings:
                    booking = rng.choice(bookings)
                    booking_mark_attendance(
                        meeting=meeting,
                        attendance={booking.pk: rng.choice([True, False, None])},
                        by=None,
                    )
    live = snapshot()
    cube_refresh()
    rebuilt = snapshot()
    for table in live:
        assert live[table] == rebuilt[table], table
    assert rebuilt["cube"], "the random world published nothing: the test would prove little"
    published = {
        row[1] for row in Highlight.objects.filter(published=True).values_list("item", "list")
    }
    assert published == {"simplify", "dream"}, "some highlights of each list are shown"
