"""Reads for capture, guest comments and the meeting-kind suggestion."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import AgendaItem, Booking, Meeting, Section

from .models import CaptureState, FeedbackItem, JourneyStage, Tag
from .redaction import redaction_fingerprint

GUEST_LINK_SALT = "feedback.guest-link"
# A guest link opens a little before the start and closes a little after the end.
GUEST_LINK_MARGIN = dt.timedelta(minutes=30)
STAGES_CACHE_KEY = "feedback:stages:v1"
TAGS_CACHE_KEY = "feedback:tags:v2"
REVISION_CACHE_KEY = "feedback:rev:{meeting_id}"


def _capture_queryset(*, meeting_id: int, user_id: int):
    through_facilitators = Meeting.facilitators.through
    through_co_owners = Meeting.co_owners.through
    return Meeting.objects.filter(pk=meeting_id).annotate(
        user_is_facilitator=Exists(
            through_facilitators.objects.filter(meeting_id=OuterRef("pk"), user_id=user_id)
        ),
        user_is_co_owner=Exists(
            through_co_owners.objects.filter(meeting_id=OuterRef("pk"), user_id=user_id)
        ),
        redaction_fingerprint=redaction_fingerprint(),
    )


_MEETING_SENTINEL, _USER_SENTINEL = -7_000_001, -7_000_002


@functools.cache
def _capture_sql() -> tuple[str, tuple]:
    """The capture query compiled once: it runs on every captured item."""
    sql, params = _capture_queryset(
        meeting_id=_MEETING_SENTINEL, user_id=_USER_SENTINEL
    ).query.sql_with_params()
    return sql, tuple(params)


def meeting_for_capture(*, meeting_id: int, user) -> Meeting | None:
    """The meeting, with what the capture rules and the redactor need, in one query."""
    user_id = user.pk if getattr(user, "is_authenticated", False) else 0
    sql, template = _capture_sql()
    values = {_MEETING_SENTINEL: meeting_id, _USER_SENTINEL: user_id}
    params = [values.get(p, p) if isinstance(p, int) else p for p in template]
    meeting = next(iter(Meeting.objects.raw(sql, params)), None)
    if meeting is not None:
        meeting.annotated_for_user_id = user_id
    return meeting


def meeting_local_date(meeting: Meeting) -> dt.date:
    """The meeting's date where it takes place: the only date feedback ever carries."""

    try:
        zone = ZoneInfo(meeting.time_zone)
    except (ValueError, KeyError):
        zone = dt.UTC
    return meeting.starts_at.astimezone(zone).date()


# The capture page shows this many of the latest items; older ones come a page at a time.
CAPTURE_PAGE_SIZE = 50


def capture_items(*, meeting: Meeting, since: int = 0, oldest: int = 0):
    """Items after the cursor `since`, oldest first; with `oldest`, only from that number
    on (what a capture page already shows, so that a reload of its list stays bounded)."""
    return (
        FeedbackItem.objects.filter(meeting=meeting, number__gt=max(since, oldest - 1))
        .select_related("stage")
        .prefetch_related("tags")
        .order_by("number")
    )


def capture_items_page(
    *, meeting: Meeting, before: int | None = None, size: int = CAPTURE_PAGE_SIZE
) -> tuple[list[FeedbackItem], bool]:
    """The latest `size` items (newest first), or the `size` before item number `before`
    (a keyset cursor: the page costs the same however deep it is), and whether any older
    ones remain. Two queries (the items, their tags)."""
    rows = FeedbackItem.objects.filter(meeting=meeting)
    if before is not None:
        rows = rows.filter(number__lt=before)
    items = list(
        rows.select_related("stage").prefetch_related("tags").order_by("-number")[: size + 1]
    )
    return items[:size], len(items) > size


def capture_sections(*, meeting: Meeting) -> list[tuple[str, str]]:
    """The meeting's agenda sections in agenda order, or every section without an agenda."""
    return sections_of_agenda(
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("position", "pk")
        .values_list("section", flat=True)
    )


def sections_of_agenda(agenda_sections) -> list[tuple[str, str]]:
    """`capture_sections` from the agenda items' sections, in agenda order."""
    seen: list[str] = []
    for section in agenda_sections:
        if section not in seen:
            seen.append(section)
    if not seen:
        seen = list(Section.values)
    elif Section.OTHER not in seen:
        seen.append(Section.OTHER)
    labels = dict(Section.choices)
    return [(value, labels[value]) for value in seen]


def current_section(*, meeting: Meeting, sections: list[tuple[str, str]] | None = None) -> str:
    state = CaptureState.objects.filter(meeting=meeting).values_list("section", flat=True).first()
    if state:
        return state
    sections = sections if sections is not None else capture_sections(meeting=meeting)
    return sections[0][0] if sections else Section.CUSTOMER


def stage_choices() -> list[tuple[int, str]]:
    """The administrator-managed journey stages, cached: capture must not query them."""
    stages = cache.get(STAGES_CACHE_KEY)
    if stages is None:
        stages = list(JourneyStage.objects.values_list("pk", "name"))
        cache.set(STAGES_CACHE_KEY, stages, 300)
    return stages


def _tags() -> list[tuple[int, str]]:
    """Every tag's id and name, cached (the admin clears it, as does a new tag)."""
    tags = cache.get(TAGS_CACHE_KEY)
    if tags is None:
        tags = list(Tag.objects.values_list("pk", "name"))
        cache.set(TAGS_CACHE_KEY, tags, 300)
    return tags


def tag_names() -> list[str]:
    return [name for _pk, name in _tags()]


def tag_ids() -> dict[str, int]:
    """Tag ids by lower-case name, so that capture finds an item's tags without a query."""
    return {name.lower(): pk for pk, name in _tags()}


def capture_revision(*, meeting_id: int) -> int:
    """Grows whenever an item is edited or removed, so other screens reload their list."""
    return cache.get(REVISION_CACHE_KEY.format(meeting_id=meeting_id), 0)


# -- who is in the room ------------------------------------------------------------------


@dataclass(frozen=True)
class Room:
    """Who is expected in the room, as counts only (never names)."""

    guests: int
    organisations: int
    front_line_staff: int


def capture_room(*, meeting: Meeting) -> Room:
    """Counts of the meeting's customer guests (and their organisations) and of our
    front-line staff invited like guests, leaving out those who declined or were marked
    absent. Front-line staff are staff: what they say is captured as "Our staff", and
    they are never a customer organisation. One query."""
    counts = (
        Booking.objects.filter(meeting=meeting)
        .exclude(rsvp=Booking.Rsvp.DECLINED)
        .exclude(attended=False)
        .aggregate(
            guests=Count("pk", filter=Q(contact__organisation__isnull=False)),
            organisations=Count("contact__organisation", distinct=True),
            front_line_staff=Count("pk", filter=Q(contact__organisation__isnull=True)),
        )
    )
    return Room(**counts)


# -- guest comments ----------------------------------------------------------------------


def guest_link_token(*, meeting: Meeting) -> str:
    return signing.dumps(meeting.pk, salt=GUEST_LINK_SALT, compress=True)


def guest_link_url(*, meeting: Meeting) -> str:

    path = reverse("feedback:guest_comment", args=[guest_link_token(meeting=meeting)])
    return f"{settings.SITE_URL}{path}"


def meeting_from_guest_token(token: str) -> Meeting | None:
    try:
        meeting_id = signing.loads(token, salt=GUEST_LINK_SALT)
    except signing.BadSignature:
        return None
    return Meeting.objects.filter(pk=meeting_id).first()


def meeting_is_running(*, meeting: Meeting, now: dt.datetime | None = None) -> bool:
    """Guests may comment only while the meeting runs (with a short margin either side)."""
    now = now or timezone.now()
    if meeting.status not in (Meeting.Status.INVITED, Meeting.Status.HELD):
        return False
    return meeting.starts_at - GUEST_LINK_MARGIN <= now <= meeting.ends_at + GUEST_LINK_MARGIN


# -- the meeting kind ---------------------------------------------------------------------


@dataclass(frozen=True)
class KindSuggestion:
    kind: str  # a Meeting.Kind value
    label: str
    reason: str
    total: int
    from_guests: int


# A meeting that has taken place: nothing captured there means nothing heard from guests.
HELD_STATUSES = frozenset({Meeting.Status.HELD, Meeting.Status.CLOSED})
# "Almost nothing from the guests": fewer than this many items, or this share of all items.
ADVERTISEMENT_MAX_GUEST_ITEMS = 2
ADVERTISEMENT_MAX_GUEST_SHARE = 0.2
# "Nothing but praise" needs at least this many guest items to say so.
LOVE_IN_MIN_ITEMS = 3
# "Mostly negative and heated".
WAR_MIN_NEGATIVE_SHARE = 0.6
WAR_MIN_CONCERNS_PER_PRAISE = 3


def kind_counts() -> dict:
    """The counts the kind rule reads (`suggest_kind`), as aggregates: the after-meeting
    suggestion and the live balance meter (`feedback.balance`) both count with these."""
    guest = Q(source__in=FeedbackItem.Source.from_guests())
    return {
        "total": Count("pk"),
        "guest": Count("pk", filter=guest),
        "idea": Count("pk", filter=guest & Q(kind=FeedbackItem.Kind.IDEA)),
        "negative": Count("pk", filter=guest & Q(sentiment=FeedbackItem.Sentiment.NEGATIVE)),
        "praise": Count("pk", filter=guest & Q(kind=FeedbackItem.Kind.PRAISE)),
        "concern": Count("pk", filter=guest & Q(kind=FeedbackItem.Kind.CONCERN)),
        "improvement": Count(
            "pk",
            filter=guest
            & (
                Q(
                    kind__in=[
                        FeedbackItem.Kind.CONCERN,
                        FeedbackItem.Kind.IDEA,
                        FeedbackItem.Kind.EXPECTATION,
                    ]
                )
                | Q(sentiment=FeedbackItem.Sentiment.NEGATIVE)
            ),
        ),
        "not_praise": Count(
            "pk",
            filter=guest
            & ~Q(kind=FeedbackItem.Kind.PRAISE)
            & ~Q(sentiment=FeedbackItem.Sentiment.POSITIVE),
        ),
    }


def meeting_kind_suggestion(meeting: Meeting) -> KindSuggestion | None:
    """Suggest War / Advertisement / Love-In / 4F from what was captured, or None.

    - likely Advertisement: the guests contributed almost nothing (at most
      two items, or under a fifth of everything captured), or nothing at all was
      captured at a meeting that has been held;
    - likely Love-In: at least three guest items, all praise or positive, with no
      concern, idea, expectation or negative sentiment among them;
    - likely War: at least 60 % of guest items negative, with concerns outnumbering
      praise three to one;
    - otherwise likely 4F.
    None while nothing was captured at a meeting not held yet. One query. The
    facilitator's own rating always wins; this is a second opinion.
    """
    counts = FeedbackItem.objects.filter(meeting=meeting).aggregate(**kind_counts())
    return suggest_kind(counts, held=meeting.status in HELD_STATUSES)


def meeting_kind_suggestions(meeting_ids, *, statuses=None) -> dict[int, KindSuggestion]:
    """The same suggestion for many meetings in one query (for lists and the dashboard).

    `statuses` ({meeting id: status}) lets a held meeting with nothing captured be
    suggested as an Advertisement, as `meeting_kind_suggestion` does; without it, and
    for meetings not held, those with nothing captured are absent from the result."""
    meeting_ids = list(meeting_ids)
    rows = (
        FeedbackItem.objects.filter(meeting_id__in=meeting_ids)
        .order_by()
        .values("meeting_id")
        .annotate(**kind_counts())
    )
    empty = dict.fromkeys(kind_counts(), 0)
    counts = dict.fromkeys(meeting_ids, empty)
    counts.update((row["meeting_id"], row) for row in rows)
    statuses = statuses or {}
    suggestions = {}
    for meeting_id, row in counts.items():
        suggestion = suggest_kind(row, held=statuses.get(meeting_id) in HELD_STATUSES)
        if suggestion is not None:
            suggestions[meeting_id] = suggestion
    return suggestions


def suggest_kind(counts: dict, *, held: bool = False) -> KindSuggestion | None:
    """The rule itself, on a meeting's counts (`kind_counts`): the one home of it.

    `held`: the meeting has taken place (held or closed), so that nothing captured
    means the guests said nothing."""
    total, guests = counts["total"], counts["guest"]
    labels = dict(Meeting.Kind.choices)

    def suggest(kind: str, reason: str) -> KindSuggestion:
        return KindSuggestion(kind, labels[kind], reason, total, guests)

    if total == 0:
        if not held:
            return None
        return suggest(
            Meeting.Kind.ADVERTISEMENT,
            _("Nothing was captured: the guests contributed nothing that was written down."),
        )

    if guests <= ADVERTISEMENT_MAX_GUEST_ITEMS or guests / total < ADVERTISEMENT_MAX_GUEST_SHARE:
        return suggest(
            Meeting.Kind.ADVERTISEMENT,
            _("Guests contributed almost nothing: %(guests)s of %(total)s items came from them.")
            % {"guests": guests, "total": total},
        )
    if guests >= LOVE_IN_MIN_ITEMS and counts["improvement"] == 0 and counts["not_praise"] == 0:
        return suggest(
            Meeting.Kind.LOVE_IN,
            _("Nothing but praise from the guests: no concern, idea or expectation was heard."),
        )
    negative_share = counts["negative"] / guests
    if negative_share >= WAR_MIN_NEGATIVE_SHARE and counts[
        "concern"
    ] >= WAR_MIN_CONCERNS_PER_PRAISE * max(1, counts["praise"]):
        return suggest(
            Meeting.Kind.WAR,
            _(
                "Mostly negative and heated: %(share)s %% of guest items were negative, "
                "%(concerns)s concerns against %(praise)s praise."
            )
            % {
                "share": round(negative_share * 100),
                "concerns": counts["concern"],
                "praise": counts["praise"],
            },
        )
    return suggest(
        Meeting.Kind.FOUR_F,
        _("A mix of praise, concerns and ideas from the guests: frank, friendly and forthright."),
    )
