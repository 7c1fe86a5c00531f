"""The adversary test: no two views an executive or a leader may request differ by
something that fewer than 3 organisations said.

The seeded world repeats the attack of issue #18 — one region, four meetings in four
consecutive months with 1, 2, 3 and 1 guest organisations — and the same trick across
regions, meeting kinds and sentiments, with themes, quotes, highlights, actions and a
published "you said, we did". The attacker requests every view the roles allow over it
(every month range, every filter alone and every two filters together, each region and
the leader's own), reads every figure of the page (the board pack prints the same
figures), the home section, the themes page and every exported row, and then:

- for every figure, every pair of views in which it is shown with different values: the
  items (meetings, actions) that one view counts and the other does not must come from
  at least 3 organisations — also against an empty view, so a single view is checked too;
- every quote (theme example, highlight, exported text): the items it can have come from,
  given every view it appears in, must have at least 3 organisations behind them; and
  where it appears in one view and not in another that counts less, the items told
  apart by that difference must too.

The truth (which items, meetings and actions a figure stands for) is computed here from
the raw rows, independently of the dashboard's code.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections import defaultdict
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.models import Role
from actions.models import Action, FollowUp
from dashboard.export import export_rows
from dashboard.home import home_sections
from dashboard.models import Highlight, MeetingSignal, Theme, ThemeItem
from dashboard.selectors import CubeReader, Filters, dashboard_context
from feedback.models import FeedbackItem, JourneyStage
from meetings.models import Meeting, Section
from tests import factories as f

JUN, JUL, AUG, SEP = (dt.date(2026, m, 1) for m in (6, 7, 8, 9))
MONTHS = [JUN, JUL, AUG, SEP]
TODAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
THRESHOLD = 3


# What the last item says when it is to be a highlight: words its list is found by.
ANSWERS = {Highlight.List.DREAM: " We dream of it.", Highlight.List.SIMPLIFY: " Simplify it."}


def _item_rows(world, meeting, specs, theme, *, example=True, highlight=None):
    """Items from (section, kind, sentiment, stage) specs; each text unique, so quotable."""
    items = []
    for n, (section, kind, sentiment, stage) in enumerate(specs):
        text = f"{meeting.title} said point {n} about {section} and {kind}."
        if highlight and n == len(specs) - 1:
            text += ANSWERS[highlight]
        (item,) = world.feedback(
            meeting, 1, section=section, kind=kind, sentiment=sentiment, stage=stage, text=text
        )
        items.append(item)
    for n, item in enumerate(items):
        ThemeItem.objects.create(
            theme=theme, item=item, score=1.0 - n / 100, example=example and n == 0
        )
    if highlight:
        world.highlight(items[-1], highlight)
    return items


def seed(world):
    """The attack of issue #18 and its variants; returns the leader of the first region."""
    north = world.region
    south = f.RegionFactory(name="Southern Europe", countries=["FR"])
    leader = f.leader(username="lena")
    north.leaders.add(leader)
    onboarding, _ = JourneyStage.objects.get_or_create(name="Onboarding")
    invoices = Theme.objects.create(key="t:invoices", name="Invoices", origin="suggested")
    portal = Theme.objects.create(key="t:portal", name="Portal", origin="suggested")
    concern_neg = ("customer", "concern", "negative", None)
    praise_pos = ("customer", "praise", "positive", None)
    finance_neg = ("finance", "concern", "negative", onboarding)
    idea_neu = ("operations", "idea", "neutral", None)

    def meeting(orgs, month, **kwargs):
        m = world.meeting(organisations=orgs, month=month, **kwargs)
        m.title = f"M{m.pk}"
        m.save(update_fields=["title"])
        return m

    # The issue's attack: one region, four months, 1, 2, 3 and 1 organisations.
    jun = meeting(1, JUN, kind="4f")
    jul = meeting(2, JUL, kind="4f")
    aug = meeting(3, AUG, kind="4f")
    sep = meeting(1, SEP, kind="4f")
    for m in (jun, jul, aug, sep):
        _item_rows(world, m, [concern_neg, concern_neg, praise_pos, finance_neg], invoices)
        _item_rows(world, m, [idea_neu], portal, highlight=Highlight.List.DREAM)
    # July's two organisations and one more meeting in July: the same cells reach 3.
    jul_more = meeting(1, JUL, kind="4f")
    _item_rows(world, jul_more, [concern_neg, praise_pos], invoices)
    # Across regions: August in the south, one organisation.
    south_aug = meeting(1, AUG, region=south, country="FR", kind="4f")
    _item_rows(world, south_aug, [concern_neg, praise_pos], invoices)
    # Across meeting kinds: a War meeting in August with one organisation, and a lone
    # neutral sentiment (the sentiment trick) in it.
    war = meeting(1, AUG, kind="war")
    _item_rows(world, war, [concern_neg, ("customer", "concern", "neutral", None)], invoices)
    # Another country and meeting type: a panel in Ireland with two organisations.
    panel = meeting(2, SEP, country="IE", type=Meeting.Type.PANEL, kind="")
    # Praise never answers "what to simplify": the highlighted item is a concern.
    _item_rows(world, panel, [praise_pos, praise_pos, concern_neg], portal, highlight="simplify")
    # Actions (open, overdue, done) and a published "you said, we did".
    for m, due in ((jun, dt.date(2026, 7, 1)), (aug, dt.date(2026, 9, 1)), (aug, None)):
        f.ActionFactory(meeting=m, due_date=due or dt.date(2027, 1, 1), status=Action.Status.OPEN)
    f.ActionFactory(meeting=sep, due_date=dt.date(2026, 10, 1), status=Action.Status.IN_PROGRESS)
    f.ActionFactory(meeting=jul, status=Action.Status.DONE)
    for m in (jul, aug):
        FollowUp.objects.create(meeting=m, composed_by=leader, published_at=timezone.now())
    world.refresh()
    return leader


# --- The truth, from the raw rows ------------------------------------------------------


@dataclass(frozen=True)
class Truth:
    items: dict[int, dict]  # item id: its dimensions
    meetings: dict[int, dict]
    actions: dict[int, dict]
    orgs: dict[int, frozenset[int]]  # meeting id: its guests' organisations
    by_text: dict[str, int]
    highlights: frozenset[tuple[int, str]]


def truth() -> Truth:
    orgs: dict[int, set[int]] = defaultdict(set)
    for meeting_id, org in Meeting.objects.values_list("pk", "bookings__contact__organisation_id"):
        if org:
            orgs[meeting_id].add(org)
    signals = {s.meeting_id: s for s in MeetingSignal.objects.all()}
    answered = set(
        FollowUp.objects.filter(published_at__isnull=False).values_list("meeting_id", flat=True)
    )
    meetings = {}
    for m in Meeting.objects.all():
        meetings[m.pk] = {
            "month": m.starts_at.date().replace(day=1),
            "region": m.region_id,
            "region_name": m.region.name,
            "country": str(m.country),
            "meeting_type": m.type,
            "meeting_kind": m.kind or "",
            "suggestion": signals[m.pk].suggestion,
        }
    themes = dict(ThemeItem.objects.values_list("item_id", "theme_id"))
    items = {}
    for item in FeedbackItem.objects.all():
        items[item.pk] = {
            **meetings[item.meeting_id],
            "meeting": item.meeting_id,
            "section": item.section,
            "kind": item.kind,
            "sentiment": item.sentiment,
            "stage": item.stage_id,
            "theme": themes.get(item.pk),
            "answered": item.kind == "concern" and item.meeting_id in answered,
            "text": item.text,
        }
    today = timezone.localdate()
    actions = {
        a.pk: {
            **meetings[a.meeting_id],
            "meeting": a.meeting_id,
            "open": a.status in (Action.Status.OPEN, Action.Status.IN_PROGRESS),
            "overdue": a.due_date < today,
        }
        for a in Action.objects.all()
    }
    return Truth(
        items,
        meetings,
        actions,
        {m: frozenset(o) for m, o in orgs.items()},
        {i["text"]: pk for pk, i in items.items()},
        frozenset(Highlight.objects.values_list("item_id", "list")),
    )


def meeting_matches(filters: Filters, row: dict) -> bool:
    return (
        (filters.regions is None or row["region"] in filters.regions)
        and (not filters.month_from or row["month"] >= filters.month_from)
        and (not filters.month_to or row["month"] <= filters.month_to)
        and (not filters.country or row["country"] == filters.country)
        and (not filters.meeting_type or row["meeting_type"] == filters.meeting_type)
        and (not filters.meeting_kind or row["meeting_kind"] == filters.meeting_kind)
    )


def item_matches(filters: Filters, row: dict) -> bool:
    return (
        meeting_matches(filters, row)
        and (not filters.section or row["section"] == filters.section)
        and (not filters.kind or row["kind"] == filters.kind)
        and (not filters.sentiment or row["sentiment"] == filters.sentiment)
        and (not filters.stage or row["stage"] == filters.stage)
    )


# --- What the attacker reads -------------------------------------------------------------


def figures(filters: Filters, context: dict) -> list[tuple[tuple, object, str, dict]]:
    """(figure key, shown value, unit, conditions on the unit's rows) for every figure."""
    shown = []

    def add(key, cell, unit, **where):
        shown.append((key, cell.display, unit, where))

    volume = context["volume"]
    for row in volume["rows"]:
        add(("volume month", row["month"]), row["total"], "items", month=row["month"])
        for (s, _), cell in zip(volume["sentiments"], row["cells"], strict=True):
            add(("volume", row["month"], s), cell, "items", month=row["month"], sentiment=s)
    for (s, _), cell in zip(volume["sentiments"], volume["column_totals"], strict=True):
        add(("volume sentiment", s), cell, "items", sentiment=s)
    add(("volume total",), volume["total"], "items")
    for s in context["concerns"]["slices"]:
        add(("concerns", s.key[0]), s, "items", kind="concern", section=s.key[0])
    add(("concerns total",), context["concerns"]["total"], "items", kind="concern")
    months = [m["month"] for m in context["themes"]["months"]]
    for theme in context["themes"]["themes"]:
        add(("theme", theme["id"]), theme["total"], "items", theme=theme["id"])
        for month, cell in zip(months, theme["trend"], strict=True):
            add(("theme", theme["id"], month), cell, "items", theme=theme["id"], month=month)
    kinds = context["kinds"]
    for row in kinds["rows"]:
        add(("kinds month", row["month"]), row["total"], "meetings", month=row["month"], rated=1)
        for cell in row["cells"]:
            add(
                ("kinds", row["month"], cell["kind"]),
                cell["slice"],
                "meetings",
                month=row["month"],
                meeting_kind=cell["kind"],
            )
    for (k, _), cell in zip(kinds["kinds"], kinds["column_totals"], strict=True):
        add(("kinds kind", k), cell, "meetings", meeting_kind=k)
    add(("kinds total",), kinds["total"], "meetings", rated=1)
    for flag in kinds["flags"]:
        add(("flag", flag.key[0]), flag, "meetings", flagged=flag.key[0])
    actions = context["actions"]
    add(("actions open",), actions["open"], "actions", open=True)
    add(("actions overdue",), actions["overdue"], "actions", open=True, overdue=True)
    add(("answered",), actions["answered"], "items", kind="concern", answered=True)
    return shown


def quotes(context: dict) -> list[tuple[str, dict]]:
    """(text, conditions the attacker knows its item meets) for every quote on the page."""
    shown = []
    for theme in context["themes"]["themes"]:
        if theme["quotes"] is not None and not theme["quotes"].hidden:
            shown += [(t, {"theme": theme["id"]}) for t in theme["quotes"].extra["texts"]]
    for value, lst in context["highlights"].items():
        if not lst.hidden:
            shown += [(t, {"highlight": value}) for t in lst.extra["texts"]]
    return shown


EXPORT_KEYS = ("month", "region", "section", "kind", "sentiment", "theme")


def export_figures(filters: Filters, truth_: Truth) -> tuple[list, list]:
    """Counts an attacker builds from the export (per row key, per month), and its texts."""
    rows = list(export_rows(filters))
    theme_names = dict(Theme.objects.values_list("name", "pk"))
    counts: dict[tuple, int] = defaultdict(int)
    texts = []
    labels = {
        "section": {label: v for v, label in Section.choices},
        "kind": {label: v for v, label in FeedbackItem.Kind.choices},
        "sentiment": {label: v for v, label in FeedbackItem.Sentiment.choices},
    }
    for row in rows:
        where = {
            "month": dt.date.fromisoformat(row["month"] + "-01"),
            "region_name": row["region"],
            "section": labels["section"][row["section"]],
            "kind": labels["kind"][row["kind"]],
            "sentiment": labels["sentiment"][row["sentiment"]],
            "theme": theme_names.get(row["theme"]),
        }
        counts[tuple(sorted(where.items()))] += 1
        counts[(("month", where["month"]),)] += 1
        texts.append((row["text"], where))
    shown = [(("export",) + key, n, "items", dict(key)) for key, n in counts.items()]
    return shown, texts


# --- The views the roles may request -------------------------------------------------------


def month_ranges():
    bounds = [None, *MONTHS]
    for start, end in itertools.product(bounds, bounds):
        if start and end and start > end:
            continue
        yield start, end


def views(world) -> list[Filters]:
    """Every month range × region choice × no filter or one filter; and every two filters
    together over every region choice, for all months and for June–August.

    A leader's views are the executive's views of the regions they lead (`regions_for`
    narrows every request to them), so the region choices cover both roles."""
    south = world.region.__class__.objects.get(name="Southern Europe")
    regions = [None, [world.region.pk], [south.pk]]
    stage = JourneyStage.objects.get(name="Onboarding").pk
    single = [
        ("country", "GB"),
        ("country", "IE"),
        ("country", "FR"),
        ("meeting_type", Meeting.Type.LEADERSHIP),
        ("meeting_type", Meeting.Type.PANEL),
        ("meeting_kind", "4f"),
        ("meeting_kind", "war"),
        ("section", "customer"),
        ("section", "finance"),
        ("section", "operations"),
        ("stage", stage),
        ("kind", "concern"),
        ("kind", "praise"),
        ("kind", "idea"),
        ("sentiment", "negative"),
        ("sentiment", "neutral"),
        ("sentiment", "positive"),
    ]
    result = []
    for (start, end), region in itertools.product(month_ranges(), regions):
        for extra in [None, *single]:
            kwargs = {} if extra is None else {extra[0]: extra[1]}
            result.append(Filters(regions=region, month_from=start, month_to=end, **kwargs))
    for (a, b), region, (start, end) in itertools.product(
        itertools.combinations(single, 2), regions, [(None, None), (JUN, AUG)]
    ):
        if a[0] != b[0]:
            kwargs = {a[0]: a[1], b[0]: b[1]}
            result.append(Filters(regions=region, month_from=start, month_to=end, **kwargs))
    return result


# --- The checks ------------------------------------------------------------------------------


def objects_behind(truth_: Truth, filters: Filters, unit: str, where: dict) -> frozenset:
    if unit == "meetings":
        rows = truth_.meetings
        match = meeting_matches
    elif unit == "actions":
        rows = truth_.actions
        match = meeting_matches
    else:
        rows = truth_.items
        match = item_matches
    chosen = set()
    for pk, row in rows.items():
        if not match(filters, row):
            continue
        ok = True
        for field, value in where.items():
            if field == "rated":
                ok = ok and row["meeting_kind"] != ""
            elif field == "flagged":
                ok = ok and row["suggestion"] == value and row["meeting_kind"] != value
            elif field == "highlight":
                ok = ok and (pk, value) in truth_.highlights
            else:
                ok = ok and row[field] == value
        if ok:
            chosen.add(pk)
    return frozenset(chosen)


def organisations(truth_: Truth, unit: str, objects) -> set[int]:
    rows = {"items": truth_.items, "actions": truth_.actions}.get(unit)
    result: set[int] = set()
    for pk in objects:
        meeting = pk if rows is None else rows[pk]["meeting"]
        result |= truth_.orgs.get(meeting, frozenset())
    return result


@dataclass
class Observations:
    # figure key: {(shown value, objects behind it)} over every view that shows it
    figures: dict[tuple, set[tuple[object, frozenset]]]
    units: dict[tuple, str]
    # quote text: [objects it can have come from, in each view showing it]
    quotes: dict[str, list[frozenset]]
    # every view's quote texts with the objects behind the view, for the pairwise check
    quote_views: set[tuple[frozenset[str], tuple]]
    views: int = 0
    pairs: int = 0


def observe(world, leader) -> tuple[Truth, Observations]:
    truth_ = truth()
    seen = Observations(defaultdict(set), {}, defaultdict(list), set())
    leader_regions = [world.region.pk]

    def record(filters, shown, texts):
        for key, value, unit, where in shown:
            if value is None:  # hidden: nothing to subtract
                continue
            seen.figures[key].add((value, objects_behind(truth_, filters, unit, where)))
            seen.units[key] = unit
        behind = {}
        for text, where in texts:
            behind[text] = objects_behind(truth_, filters, "items", where)
            seen.quotes[text].append(behind[text])
        seen.quote_views.add((frozenset(behind), tuple(sorted(behind.items()))))
        seen.views += 1

    for filters in views(world):
        context = dashboard_context(filters)
        record(filters, figures(filters, context), quotes(context))
        shown, texts = export_figures(filters, truth_)
        record(filters, shown, texts)
    # The home section and the themes page, for an executive and for the leader.
    executive = f.executive(username="eve")
    for section in home_sections(role=Role.EXECUTIVE.value, user=executive):
        home = [
            (("volume total",), section["total"].display, "items", {}),
            (("concerns total",), section["concerns"].display, "items", {"kind": "concern"}),
        ] + [
            (("volume month", r["month"]), r["total"].display, "items", {"month": r["month"]})
            for r in section["months"]
        ]
        record(Filters(), home, [])
    for regions in (None, leader_regions):
        reader = CubeReader(Filters(regions=regions), groupings=(("theme_id",),))
        sizes = reader.slices(("theme_id",))
        record(
            Filters(regions=regions),
            [(("theme", k[0]), s.display, "items", {"theme": k[0]}) for k, s in sizes.items()],
            [],
        )
    return truth_, seen


def leaks(truth_: Truth, seen: Observations) -> list[str]:
    found = []
    pairs = 0
    for key, observed in seen.figures.items():
        unit = seen.units[key]
        combos = [*observed, (0, frozenset())]  # against an empty view: a single view
        for (v1, o1), (v2, o2) in itertools.combinations(combos, 2):
            pairs += 1
            if v1 == v2:
                continue
            behind = organisations(truth_, unit, o1 ^ o2)
            if len(behind) < THRESHOLD:
                found.append(f"{key}: {v1} - {v2} comes from {len(behind)} organisation(s)")
    for text, candidates in seen.quotes.items():
        # Given every view the quote appears in, where can it have come from?
        possible = frozenset.intersection(*candidates)
        behind = organisations(truth_, "items", possible)
        if len(behind) < THRESHOLD:
            found.append(f"quote {text!r} narrowed to {len(behind)} organisation(s)")
    quote_views = [(texts, dict(behind)) for texts, behind in seen.quote_views]
    for (texts1, behind1), (texts2, behind2) in itertools.combinations(quote_views, 2):
        for shown, missing, behind_shown, behind_missing in (
            (texts1, texts2, behind1, behind2),
            (texts2, texts1, behind2, behind1),
        ):
            for text in shown - missing:
                item = truth_.by_text[text]
                # The attacker's inference "it is in the first view and not the second"
                # holds when the second view does not count the item at all.
                if any(item in b for b in behind_missing.values()):
                    continue
                told_apart = behind_shown[text] - frozenset().union(*behind_missing.values())
                if len(organisations(truth_, "items", told_apart)) < THRESHOLD:
                    found.append(f"quote {text!r} told apart by two views")
    seen.pairs = pairs
    return sorted(set(found))


@pytest.mark.django_db
def test_no_two_views_single_out_fewer_than_three_organisations(world, time_machine):
    time_machine.move_to(TODAY, tick=False)
    leader = seed(world)
    truth_, seen = observe(world, leader)
    found = leaks(truth_, seen)
    assert found == [], "\n".join(found[:20])
    # The world is not empty of published figures: the checks compared real numbers.
    published = {k: v for k, v in seen.figures.items() if any(value for value, _ in v)}
    assert len(seen.figures) > 40
    assert len(published) > 20
    assert seen.quotes, "some quotes come from cells with enough organisations"
    print(f"{seen.views} readings, {seen.pairs} figure pairs, {len(seen.quotes)} quotes")


@pytest.fixture
def on_the_day(time_machine):
    """The clock at TODAY before anyone signs in (a session opened at another date may
    have expired by then)."""
    time_machine.move_to(TODAY, tick=False)


@pytest.mark.django_db
def test_the_issues_attack_gets_nothing_from_june(world, on_the_day, executive_client):
    """June–August minus July–August: no count and no quote from June's one organisation."""
    seed(world)
    wide = dashboard_context(Filters(regions=[world.region.pk], month_from=JUN, month_to=AUG))
    narrow = dashboard_context(Filters(regions=[world.region.pk], month_from=JUL, month_to=AUG))
    assert wide["volume"]["total"].display == narrow["volume"]["total"].display
    assert [t for t, _ in quotes(wide)] == [t for t, _ in quotes(narrow)]
    june = executive_client.get("/dashboard/export.json?start=2026-06&end=2026-06")
    assert json.loads(b"".join(june.streaming_content))["items"] == []
    # Nothing June's organisation said is on any page or in any export, whatever the view.
    said_in_june = list(
        FeedbackItem.objects.filter(meeting_date__month=6).values_list("text", flat=True)
    )
    region = world.region.pk
    for url in (
        f"/dashboard/?region={region}&start=2026-06&end=2026-08",
        f"/dashboard/board-pack/?region={region}&start=2026-06",
        "/dashboard/export.csv",
        f"/dashboard/export.csv?region={region}&start=2026-06&end=2026-06",
        "/home/executive/",
    ):
        response = executive_client.get(url)
        content = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        assert response.status_code == 200
        assert not [text for text in said_in_june if text in content], url
