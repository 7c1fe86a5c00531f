"""Reads for actions, follow-ups and the charter."""

import datetime as dt
import difflib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from anonymity.policy import guest_organisations_by_meeting, organisations_behind
from feedback.models import FeedbackItem

from .endorsements import endorsement_figures
from .measure_theme_hooks import themes_of_measures
from .models import (
    Action,
    Charter,
    CharterItem,
    CharterVersion,
    ExpectationLink,
    FollowUp,
    Measure,
)
from .rules import may_write_charter

OPEN_STATUSES = (Action.Status.OPEN, Action.Status.IN_PROGRESS)


# --- Actions -----------------------------------------------------------------------------


def actions_base() -> QuerySet[Action]:
    return Action.objects.select_related("owner", "meeting", "region", "feedback_item")


def actions_mine(*, user) -> QuerySet[Action]:
    return actions_base().filter(owner=user)


def actions_overdue(*, today: dt.date | None = None) -> QuerySet[Action]:
    today = today or timezone.localdate()
    return actions_base().filter(status__in=OPEN_STATUSES, due_date__lt=today)


def actions_filtered(
    *, qs: QuerySet[Action], status: str = "", region=None, meeting=None
) -> QuerySet[Action]:
    if status == "active":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in Action.Status.values:
        qs = qs.filter(status=status)
    if region is not None:
        qs = qs.filter(region=region)
    if meeting is not None:
        qs = qs.filter(meeting=meeting)
    return qs


def action_counts_by_region(*, today: dt.date | None = None) -> list[dict]:
    """Open and overdue actions per region (actions without a region are counted apart)."""
    today = today or timezone.localdate()
    rows = (
        Action.objects.filter(status__in=OPEN_STATUSES)
        .values("region__pk", "region__name")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
        .order_by("region__name")
    )
    return list(rows)


# --- Follow-up --------------------------------------------------------------------------------


def follow_up_for(meeting) -> FollowUp | None:
    return FollowUp.objects.filter(meeting=meeting).first()


def concerns_answered_share(*, meetings: QuerySet | None = None) -> dict:
    """How many concerns were heard at held meetings, and how many of them were answered
    by a published "you said, we did" (for the dashboard's response rate)."""

    concerns = FeedbackItem.objects.filter(kind=FeedbackItem.Kind.CONCERN)
    if meetings is not None:
        concerns = concerns.filter(meeting__in=meetings)
    total = concerns.count()
    answered = concerns.filter(
        meeting__follow_up__published_at__isnull=False,
    ).count()
    return {
        "concerns": total,
        "answered": answered,
        "share": (answered / total) if total else None,
    }


# --- Charter -----------------------------------------------------------------------------


def charter_current(charter: Charter) -> CharterVersion | None:
    """The latest published version, which is the charter customers see."""
    return (
        charter.versions.filter(status=CharterVersion.Status.PUBLISHED).order_by("-number").first()
    )


def charter_draft(charter: Charter) -> CharterVersion | None:
    return charter.versions.exclude(status=CharterVersion.Status.PUBLISHED).first()


@dataclass
class DiffRow:
    change: str  # added, removed, changed, moved or unchanged
    old: CharterItem | None
    new: CharterItem | None
    words: list[tuple[str, str]] = field(default_factory=list)  # (equal|insert|delete, text)

    @property
    def category_label(self) -> str:
        return (self.new or self.old).get_category_display()

    @property
    def category_changed(self) -> bool:
        return bool(self.old and self.new and self.old.category != self.new.category)


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    a, b = old.split(), new.split()
    parts: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(("equal", " ".join(a[i1:i2])))
        if tag in ("delete", "replace"):
            parts.append(("delete", " ".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            parts.append(("insert", " ".join(b[j1:j2])))
    return parts


def charter_versions_diff(*, old: CharterVersion, new: CharterVersion) -> list[DiffRow]:
    """Item-level comparison of two versions of one charter.

    Items are matched by lineage (an item and its copies), so a reworded item shows as
    changed, with the words removed and added, rather than as removed plus added.
    """
    old_items = {item.lineage: item for item in old.items.all()}
    new_items = list(new.items.all())
    rows: list[DiffRow] = []
    seen = set()
    for item in new_items:
        before = old_items.get(item.lineage)
        seen.add(item.lineage)
        if before is None:
            rows.append(DiffRow("added", None, item, [("insert", item.text)]))
        elif before.text != item.text or before.category != item.category:
            rows.append(DiffRow("changed", before, item, _word_diff(before.text, item.text)))
        else:
            rows.append(DiffRow("unchanged", before, item, [("equal", item.text)]))
    for lineage, item in old_items.items():
        if lineage not in seen:
            rows.append(DiffRow("removed", item, None, [("delete", item.text)]))
    return rows


# --- Measures --------------------------------------------------------------------------------


def last_months(*, count: int = 6, today: dt.date | None = None) -> list[dt.date]:
    today = today or timezone.localdate()
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


@dataclass
class MeasureRow:
    measure: Measure
    cells: list[dict]  # {"month", "value", "green"}; green is None when nothing recorded
    latest_green: bool | None
    # Themes tied to the measure, with their trend (actions.measure_theme_hooks).
    themes: list = field(default_factory=list)


def measure_rows(*, charter: Charter, months: list[dt.date]) -> dict:
    """Measures of a charter keyed by item lineage, each with red/green per month."""
    measures = list(charter.measures.prefetch_related("values"))
    by_lineage: dict = defaultdict(list)
    for measure in measures:
        values = {v.month: v.value for v in measure.values.all()}
        cells = []
        for month in months:
            value = values.get(month)
            cells.append(
                {
                    "month": month,
                    "value": value,
                    "green": None if value is None else measure.is_green(value),
                }
            )
        latest_month = max(values, default=None)
        latest_green = None if latest_month is None else measure.is_green(values[latest_month])
        by_lineage[measure.lineage].append(MeasureRow(measure, cells, latest_green))
    return by_lineage


def heard_sentiment_by_lineage(*, charter: Charter) -> dict:
    """Per charter item (lineage): how many expectations were heard about it, how many
    negative, and whether enough organisations stand behind them to show anything."""

    rows = ExpectationLink.objects.filter(charter=charter, item__isnull=False).values_list(
        "item__lineage", "feedback_item__meeting_id", "feedback_item__sentiment"
    )
    grouped: dict = defaultdict(list)
    for lineage, meeting_id, sentiment in rows:
        grouped[lineage].append((meeting_id, sentiment))
    by_meeting = guest_organisations_by_meeting(
        {m for members in grouped.values() for m, _ in members}
    )
    result = {}
    for lineage, members in grouped.items():
        behind = organisations_behind((m for m, _ in members), by_meeting)
        result[lineage] = {
            "heard": len(members),
            "negative": sum(1 for _, s in members if s == FeedbackItem.Sentiment.NEGATIVE),
            "organisations": len(behind.ids),
            "shown": behind.enough,
        }
    return result


def growing_themes(*, measures: list[MeasureRow]) -> list:
    """The themes tied to a measure that is green (on its latest month) and growing."""
    return [trend for row in measures if row.latest_green for trend in row.themes if trend.grows]


def measuring_wrong_things(
    *, measures: list[MeasureRow], heard: dict | None, growing: list | None = None
) -> bool:
    """ "We may be measuring the wrong things": a theme tied to one of the item's measures
    grows while that measure stays green (`growing`), or every measure of the item is
    green (on its latest month) while most of what customers said about it is negative.

    Like every slice of feedback, it is only judged when enough organisations stand
    behind what was heard or counted (the suppression rule)."""
    if growing:
        return True
    if not measures or not heard or not heard["heard"] or not heard["shown"]:
        return False
    if not all(row.latest_green for row in measures):
        return False
    return heard["negative"] * 2 > heard["heard"]


def charter_items_with_measures(*, version: CharterVersion, months: list[dt.date]) -> list[dict]:
    charter = version.charter
    measures = measure_rows(charter=charter, months=months)
    heard = heard_sentiment_by_lineage(charter=charter)
    themes = themes_of_measures(charter=charter)
    endorsed = endorsement_figures(charter=charter)
    rows = []
    for item in version.items.all():
        item_measures = measures.get(item.lineage, [])
        item_heard = heard.get(item.lineage)
        for row in item_measures:
            row.themes = themes.get(row.measure.pk, [])
        growing = growing_themes(measures=item_measures)
        rows.append(
            {
                "item": item,
                "measures": item_measures,
                "heard": item_heard,
                "growing": growing,
                "wrong_things": measuring_wrong_things(
                    measures=item_measures, heard=item_heard, growing=growing
                ),
                "endorsed": endorsed.get(item.lineage),
            }
        )
    return rows


# --- Expectations heard -------------------------------------------------------------------


def expectations_to_link(*, charter: Charter) -> QuerySet:
    """Expectations heard at the charter's meetings that nobody has placed yet."""

    qs = FeedbackItem.objects.filter(
        kind=FeedbackItem.Kind.EXPECTATION, charter_link__isnull=True
    ).select_related("meeting")
    if charter.region_id:
        qs = qs.filter(meeting__region_id=charter.region_id)
    return qs.order_by("-meeting_date", "number")


def expectations_to_link_for(*, user, charter: Charter) -> QuerySet:
    """The expectations waiting to be placed that this user may see and place: all of
    them for those who write the charter, only those heard in the meetings they
    facilitated for a facilitator (actions/rules.py)."""

    waiting = expectations_to_link(charter=charter)
    if may_write_charter(user, charter):
        return waiting
    return waiting.filter(meeting__facilitators=user)


@dataclass
class MissingGroup:
    label: str
    heard: int
    organisations: int
    shown: bool
    quotes: list[str]
    promoted_into: CharterVersion | None


def missing_from_charter(*, charter: Charter) -> list[MissingGroup]:
    """Heard expectations that are not on the charter, grouped by their wording.

    Each group's counts and quotes are shown only when enough distinct customer
    organisations stand behind it (the dashboard's suppression rule); otherwise the
    group is listed with its wording only, which staff wrote, never a quote.
    """
    links = (
        ExpectationLink.objects.filter(charter=charter, item__isnull=True)
        .select_related("feedback_item", "promoted_item__version")
        .order_by("label", "pk")
    )
    groups: dict[str, list[ExpectationLink]] = defaultdict(list)
    for link in links:
        groups[link.label.lower()].append(link)
    by_meeting = guest_organisations_by_meeting({link.feedback_item.meeting_id for link in links})
    result = []
    for members in groups.values():
        items = [link.feedback_item for link in members]
        behind = organisations_behind((i.meeting_id for i in items), by_meeting)
        organisations, shown = len(behind.ids), behind.enough
        promoted = next((m.promoted_item for m in members if m.promoted_item_id), None)
        result.append(
            MissingGroup(
                label=members[0].label,
                heard=len(members),
                organisations=organisations,
                shown=shown,
                quotes=[item.text for item in items] if shown else [],
                promoted_into=promoted.version if promoted else None,
            )
        )
    result.sort(key=lambda g: (g.promoted_into is not None, -g.heard if g.shown else 0, g.label))
    return result
