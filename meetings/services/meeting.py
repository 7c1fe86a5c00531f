"""Writes to a meeting: create, edit, move through its states, rate, attendance."""

from __future__ import annotations

import copy
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..defaults import DEFAULT_PREP_ITEMS
from ..models import (
    AgendaItem,
    AgendaTemplate,
    Meeting,
    PrepItem,
    agenda_copy,
)
from ..signals import meeting_cancelled, meeting_change_preview, meeting_changed
from .common import MEETING_FIELDS, TRANSITIONS, Status, meeting_locked, require_editable


@transaction.atomic
def meeting_create(
    *,
    owner,
    title: str,
    region,
    country: str,
    starts_at,
    ends_at,
    time_zone: str,
    type: str = Meeting.Type.LEADERSHIP,  # noqa: A002 - the domain's word
    place: str = "",
    video_link: str = "",
    objectives: str = "",
    co_owners: Iterable = (),
    facilitators: Iterable = (),
    internal_attendees: Iterable = (),
    template: AgendaTemplate | None = None,
    empty_agenda: bool = False,
) -> Meeting:
    """Create a draft meeting with its agenda (from `template`, else the default
    template, which is customer-first; none with `empty_agenda`) and the default
    preparation checklist."""
    meeting = Meeting(
        owner=owner,
        title=title,
        type=type,
        region=region,
        country=country,
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        place=place,
        video_link=video_link,
        objectives=objectives,
    )
    meeting.full_clean()
    meeting.save()
    meeting.co_owners.set(co_owners)
    meeting.facilitators.set(facilitators)
    meeting.internal_attendees.set(internal_attendees)
    if empty_agenda:
        template = None
    elif template is None:
        template = AgendaTemplate.objects.filter(is_default=True).first()
    if template is not None:
        AgendaItem.objects.bulk_create(
            agenda_copy(template.items.all(), AgendaItem, meeting=meeting)
        )
    PrepItem.objects.bulk_create(
        PrepItem(meeting=meeting, text=text, position=position)
        for position, text in enumerate(DEFAULT_PREP_ITEMS)
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    owner=None,
    co_owners: Iterable | None = None,
    facilitators: Iterable | None = None,
    internal_attendees: Iterable | None = None,
    by=None,
    **fields,
) -> Meeting:
    """Change a meeting's details.

    Sends `signals.meeting_changed` (inside this transaction) with the names of the
    fields that changed; the invitations app then sends guests who hold an invitation
    an update when the time, place or video link changed, raising the calendar
    sequence (it owns that sequence: one increment per update sent)."""
    require_editable(meeting)
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"unknown meeting fields: {sorted(unknown)}")
    changed = {name for name, value in fields.items() if getattr(meeting, name) != value}
    for name, value in fields.items():
        setattr(meeting, name, value)
    if owner is not None and owner != meeting.owner:
        meeting.owner = owner
        changed.add("owner")
    meeting.full_clean()
    meeting.save()
    if co_owners is not None:
        meeting.co_owners.set(co_owners)
    if facilitators is not None:
        meeting.facilitators.set(facilitators)
    if internal_attendees is not None:
        meeting.internal_attendees.set(internal_attendees)
    if changed:
        meeting_changed.send(sender=Meeting, meeting=meeting, changed=frozenset(changed), by=by)
    return meeting


def meeting_update_notices(*, meeting: Meeting, **fields) -> list[dict]:
    """What other apps would do if these details were saved (guests who would get an
    update, and why), for the page to show before it saves. Writes nothing."""
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"unknown meeting fields: {sorted(unknown)}")
    proposed = copy.copy(meeting)
    for name, value in fields.items():
        setattr(proposed, name, value)
    responses = meeting_change_preview.send(sender=Meeting, meeting=proposed)
    return [notice for _receiver, notice in responses if notice]


def meeting_allowed_transitions(*, meeting: Meeting) -> tuple[str, ...]:
    """The moves to offer: a draft is invited before it starts, and held after."""
    allowed = TRANSITIONS[meeting.status]
    if meeting.status == Status.DRAFT:
        started = meeting.starts_at <= timezone.now()
        allowed = tuple(to for to in allowed if to != (Status.INVITED if started else Status.HELD))
    return allowed


def meeting_invite_missing(*, meeting: Meeting) -> list[str]:
    """What the formal invitation needs and the meeting lacks (practice 2: where, why,
    what). Uses prefetched agenda items when there are any."""
    return [
        label
        for label, present in (
            (_("a place or a video link"), meeting.place or meeting.video_link),
            (_("the objectives"), meeting.objectives.strip()),
            (_("an agenda"), len(meeting.agenda_items.all()) > 0),
        )
        if not present
    ]


@transaction.atomic
def meeting_transition(*, meeting: Meeting, to: str, by) -> Meeting:
    """Move a meeting along draft → invited → held → closed (or cancelled).

    Guarantees: only the transitions in `TRANSITIONS`; invited needs a guest, a meeting
    still to come, a place or video link, objectives and an agenda; held (from invited,
    or from draft for a walk-in or past meeting) only once the meeting has started;
    closed only once the facilitator has rated the meeting's kind."""
    locked = meeting_locked(meeting)
    if to not in Status.values:
        raise ValidationError(_("Unknown status."))
    if to not in TRANSITIONS[locked.status]:
        raise ValidationError(
            _("A %(status)s meeting cannot be marked %(to)s.")
            % {
                "status": locked.get_status_display().lower(),
                "to": str(Status(to).label).lower(),
            }
        )
    now = timezone.now()
    if to == Status.INVITED:
        if not locked.bookings.exists():
            raise ValidationError(_("Book at least one guest before inviting."))
        if locked.starts_at <= now:
            raise ValidationError(
                _(
                    "This meeting has already started; it cannot be invited to. Mark it held to "
                    "record who attended and capture what was said."
                )
            )
        missing = meeting_invite_missing(meeting=locked)
        if missing:
            raise ValidationError(
                _("Before inviting, add %(missing)s.")
                % {"missing": pgettext("joins a list", " and ").join(missing)}
            )
    if to == Status.HELD and locked.starts_at > now:
        raise ValidationError(_("A meeting can be marked held only once it has started."))
    if to == Status.CLOSED and not locked.kind:
        raise ValidationError(
            _("Rate the meeting (War, Advertisement, Love-In or 4F) before closing it.")
        )
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    meeting.status = to
    if to == Status.CANCELLED:
        # Guests who hold an invitation get a cancellation (invitations app).
        meeting_cancelled.send(sender=Meeting, meeting=locked, by=by)
    return locked


@transaction.atomic
def meeting_rate_kind(*, meeting: Meeting, kind: str, reason: str, by) -> Meeting:
    """Record the facilitator's rating of a held meeting, with the reason for it."""
    if meeting.status != Status.HELD:
        raise ValidationError(_("Only a held meeting (not yet closed) can be rated."))
    if kind not in Meeting.Kind.values:
        raise ValidationError(_("Choose War, Advertisement, Love-In or 4F."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why you rate the meeting this way."))
    meeting.kind = kind
    meeting.kind_reason = reason
    meeting.kind_rated_by = by
    meeting.save(update_fields=["kind", "kind_reason", "kind_rated_by", "updated_at"])
    return meeting
