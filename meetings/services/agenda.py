"""Writes to a meeting's agenda: items, order, the customer-first order."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from ..models import (
    CUSTOMER_FIRST_ORDER,
    AgendaEntry,
    AgendaItem,
    Meeting,
    Section,
)
from .common import meeting_locked, require_editable

_SECTION_RANK = {section: rank for rank, section in enumerate(CUSTOMER_FIRST_ORDER)}


def customer_inversions(sections: Sequence[str]) -> int:
    """How many (non-customer item, customer item) pairs have the non-customer item above."""
    seen_other = inversions = 0
    for section in sections:
        if section == Section.CUSTOMER:
            inversions += seen_other
        else:
            seen_other += 1
    return inversions


def customer_first_order(items: Sequence) -> list:
    """The items in customer-first section order, keeping their order inside a section."""
    return sorted(items, key=lambda i: _SECTION_RANK[i.section])  # sorted() is stable


def agenda_is_customer_first(items: Sequence[AgendaItem]) -> bool:
    ranks = [_SECTION_RANK[i.section] for i in items]
    return ranks == sorted(ranks)


def _save_order(meeting: Meeting, ordered: Sequence[AgendaItem]) -> bool:
    changed = []
    for position, item in enumerate(ordered):
        if item.position != position:
            item.position = position
            changed.append(item)
    if changed:
        AgendaItem.objects.bulk_update(changed, ["position"])
    return bool(changed)


def _bump_version(meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(agenda_version=F("agenda_version") + 1)
    meeting.agenda_version += 1


def _check_version(locked: Meeting, version) -> None:
    if version is None or str(version) != str(locked.agenda_version):
        raise ValidationError(
            _(
                "Someone else changed this agenda while you were editing it. "
                "Nothing was moved; here is the current order."
            )
        )


@transaction.atomic
def meeting_reorder_customer_first(*, meeting: Meeting) -> bool:
    """Put the agenda in the customer-first order: Customer → Employees → Operational
    processes → Marketing → Sales → Finance → Other.

    Guarantees: the relative order inside each section is kept (a stable sort);
    running it again changes nothing (idempotent); returns whether anything moved."""
    locked = meeting_locked(meeting)
    require_editable(locked)
    items = list(locked.agenda_items.order_by("position", "pk"))
    changed = _save_order(locked, customer_first_order(items))
    if changed:
        _bump_version(locked)
        meeting.agenda_version = locked.agenda_version
    return changed


@transaction.atomic
def agenda_reorder(*, meeting: Meeting, ordered_ids: Sequence, version) -> None:
    """Save a new order of the whole agenda (drag and drop).

    Refused, changing nothing, when the ids are not exactly this agenda's items, when
    the agenda changed since `version`, or when the new order puts a non-customer
    item above a customer item that it was not above before."""
    locked = meeting_locked(meeting)
    require_editable(locked)
    _check_version(locked, version)
    items = list(locked.agenda_items.order_by("position", "pk"))
    by_id = {str(i.pk): i for i in items}
    ids = [str(i).strip() for i in ordered_ids]
    if len(ids) != len(set(ids)) or set(ids) != set(by_id):
        raise ValidationError(
            _(
                "That order does not match this meeting's agenda (items missing, repeated or "
                "from another meeting). Nothing was moved."
            )
        )
    ordered = [by_id[i] for i in ids]
    _refuse_customer_block_breach(items, ordered)
    if _save_order(locked, ordered):
        _bump_version(locked)
        meeting.agenda_version = locked.agenda_version


@transaction.atomic
def agenda_item_move(*, meeting: Meeting, item_id, direction: str, version) -> None:
    """Move one item up or down by one place (the keyboard alternative to dragging)."""
    locked = meeting_locked(meeting)
    require_editable(locked)
    _check_version(locked, version)
    items = list(locked.agenda_items.order_by("position", "pk"))
    index = next((n for n, i in enumerate(items) if str(i.pk) == str(item_id)), None)
    if index is None:
        raise ValidationError(_("That item is not on this meeting's agenda. Nothing was moved."))
    if direction not in ("up", "down"):
        raise ValidationError(_("Move an item up or down."))
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(items):
        raise ValidationError(
            (
                _("“%(title)s” is already at the top.")
                if direction == "up"
                else _("“%(title)s” is already at the bottom.")
            )
            % {"title": items[index].title}
        )
    ordered = list(items)
    ordered[index], ordered[target] = ordered[target], ordered[index]
    _refuse_customer_block_breach(items, ordered)
    _save_order(locked, ordered)
    _bump_version(locked)
    meeting.agenda_version = locked.agenda_version


def _refuse_customer_block_breach(before: Sequence[AgendaItem], after: Sequence[AgendaItem]):
    if customer_inversions([i.section for i in after]) > customer_inversions(
        [i.section for i in before]
    ):
        raise ValidationError(
            _(
                "The customer block stays first: a non-customer item cannot move above a "
                "customer item. Nothing was moved."
            )
        )


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    section: str,
    title: str,
    presenter: str = "",
    minutes: int = 10,
    notes: str = "",
) -> AgendaItem:
    """Add an item: a customer item joins the end of the customer block (at the top when
    there is none), any other item goes to the end of the agenda."""
    locked = meeting_locked(meeting)
    require_editable(locked)
    items = list(locked.agenda_items.order_by("position", "pk"))
    item = AgendaItem(
        meeting=locked,
        section=section,
        title=title,
        presenter=presenter,
        minutes=minutes,
        notes=notes,
        position=len(items),
    )
    item.full_clean()
    if section == Section.CUSTOMER:
        last_customer = max(
            (n for n, i in enumerate(items) if i.section == Section.CUSTOMER), default=-1
        )
        items.insert(last_customer + 1, item)
        item.position = last_customer + 1
        item.save()
        _save_order(locked, items)
    else:
        item.save()
    _bump_version(locked)
    meeting.agenda_version = locked.agenda_version
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, **fields) -> AgendaItem:
    locked = meeting_locked(item.meeting)
    require_editable(locked)
    for name in fields:
        if name not in AgendaEntry.CONTENT_FIELDS:
            raise TypeError(f"unknown agenda item field: {name}")
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    _bump_version(locked)
    return item


@transaction.atomic
def agenda_item_delete(*, meeting: Meeting, item_id) -> None:
    locked = meeting_locked(meeting)
    require_editable(locked)
    deleted, _per_model = AgendaItem.objects.filter(meeting=locked, pk=item_id).delete()
    if not deleted:
        raise ValidationError(_("That item is not on this meeting's agenda."))
    _save_order(locked, list(locked.agenda_items.order_by("position", "pk")))
    _bump_version(locked)
