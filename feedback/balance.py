"""The balance meter: what a running meeting is turning into, while there is still time.

Counts only, never a person: how many items came from customer guests and how many from
our staff, the guests' praise against their concerns and ideas, and the minutes each
agenda section has run against its time box (durations, never a clock time, so nothing
here can be set beside a guest list).

The warning is the kind rule itself (`feedback.selectors.suggest_kind`): the meter and
the suggestion after the meeting call the same function on the same counts
(`kind_counts`), so what the facilitator is warned of during the meeting is exactly
what the meeting page will suggest afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy

from meetings.models import AgendaItem, Meeting, Section

from .models import CaptureState, FeedbackItem
from .selectors import (
    GUEST_LINK_MARGIN,
    HELD_STATUSES,
    KindSuggestion,
    kind_counts,
    sections_of_agenda,
    suggest_kind,
)

# The kinds the meter warns of: the two that a facilitator can still turn round.
WARNING_KINDS = frozenset({Meeting.Kind.ADVERTISEMENT, Meeting.Kind.LOVE_IN})

# Questions that bring out the Four F's (frank, friendly and forthright feedback): the
# question bank's own, and the one that asks what to stop.
FOUR_F_PROMPTS = (
    gettext_lazy("Is there any work we do for you that could be simplified or eliminated?"),
    gettext_lazy("What would you stop doing with us?"),
    gettext_lazy("What has worked for you, and what has not?"),
)


@dataclass(frozen=True)
class SectionTime:
    section: str
    label: str
    minutes: int  # whole minutes run so far
    box: int  # the agenda's minutes for the section (0: no time box)
    current: bool

    @property
    def over(self) -> bool:
        return bool(self.box) and self.minutes > self.box


@dataclass(frozen=True)
class Balance:
    suggestion: KindSuggestion | None
    total: int
    guest: int
    staff: int
    praise: int
    concerns_and_ideas: int
    sections: tuple[SectionTime, ...]
    current: str  # the section capture is on

    @property
    def section_choices(self) -> list[tuple[str, str]]:
        """The capture form's sections (`capture_sections`), read with the meter."""
        return [(row.section, row.label) for row in self.sections]

    @property
    def warning(self) -> str:
        """The kind the meeting is turning into, when it is one to turn round, else ""."""
        if self.suggestion is not None and self.suggestion.kind in WARNING_KINDS:
            return self.suggestion.kind
        return ""

    @property
    def prompts(self) -> tuple:
        return FOUR_F_PROMPTS if self.warning else ()


def meeting_balance(
    *,
    meeting: Meeting,
    sections: list[tuple[str, str]] | None = None,
    now: dt.datetime | None = None,
) -> Balance:
    """The meter for one meeting in three queries: the counts, the agenda (its sections
    and time boxes), the capture state."""
    counts = FeedbackItem.objects.filter(meeting=meeting).aggregate(**kind_counts())
    suggestion = suggest_kind(counts, held=meeting.status in HELD_STATUSES)
    times, current = section_times(meeting=meeting, sections=sections, now=now)
    return Balance(
        suggestion=suggestion,
        total=counts["total"],
        guest=counts["guest"],
        staff=counts["total"] - counts["guest"],
        praise=counts["praise"],
        concerns_and_ideas=counts["concern"] + counts["idea"],
        sections=times,
        current=current,
    )


def section_clock_now(*, meeting: Meeting, now: dt.datetime | None = None) -> dt.datetime:
    """The section clock stops when the guest link closes, a little after the end: a
    meeting read next week has not run its last section for a week."""
    return min(now or timezone.now(), meeting.ends_at + GUEST_LINK_MARGIN)


def section_times(
    *,
    meeting: Meeting,
    sections: list[tuple[str, str]] | None = None,
    now: dt.datetime | None = None,
) -> tuple[tuple[SectionTime, ...], str]:
    """Minutes run per agenda section, in agenda order, against the agenda's time boxes,
    and the section capture is on (as `current_section` says).

    A section's time runs from when capture moved to it (or from the meeting's start, for
    the first) until capture moves on; nothing counts before the meeting starts."""
    now = section_clock_now(meeting=meeting, now=now)
    agenda = list(
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("position", "pk")
        .values_list("section", "minutes")
    )
    boxes: dict[str, int] = {}
    for section, minutes in agenda:
        boxes[section] = boxes.get(section, 0) + minutes
    if sections is None:
        sections = sections_of_agenda(section for section, _minutes in agenda)
    state = CaptureState.objects.filter(meeting=meeting).first()
    seconds = dict(state.seconds_by_section or {}) if state else {}
    current = state.section if state else (sections[0][0] if sections else Section.CUSTOMER)
    began = max(
        (state.section_started_at if state else None) or meeting.starts_at, meeting.starts_at
    )
    if now > began:
        seconds[current] = seconds.get(current, 0) + int((now - began).total_seconds())
    rows = tuple(
        SectionTime(
            section=value,
            label=label,
            minutes=seconds.get(value, 0) // 60,
            box=boxes.get(value) or 0,
            current=value == current,
        )
        for value, label in sections
    )
    return rows, current
