"""Every write to meetings, agendas, guests, preparation and ratings goes through here.

Functions are keyword-only and named `<entity>_<action>`. They raise
`django.core.exceptions.ValidationError` with a message meant for the person on the
page; when they do, nothing has changed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext as _

from customers.models import Contact, Facet

from .defaults import DEFAULT_PREP_ITEMS
from .models import (
    CUSTOMER_FIRST_ORDER,
    AgendaEntry,
    AgendaItem,
    AgendaTemplate,
    Booking,
    Meeting,
    MeetingQuestion,
    PrepItem,
    Question,
    Section,
    agenda_copy,
)
from .signals import meeting_cancelled, meeting_change_preview, meeting_changed

Status = Meeting.Status

# The state machine: draft → invited → held → closed, or cancelled before it is held.
# A draft goes straight to held when it was recorded after it started (a walk-in or past
# meeting: its guests were never invited through the product).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.INVITED, Status.HELD, Status.CANCELLED),
    Status.INVITED: (Status.HELD, Status.CANCELLED),
    Status.HELD: (Status.CLOSED,),
    Status.CLOSED: (),
    Status.CANCELLED: (),
}

MEETING_FIELDS = (
    "title",
    "type",
    "region",
    "country",
    "starts_at",
    "ends_at",
    "time_zone",
    "place",
    "video_link",
    "objectives",
)


def _locked(meeting: Meeting) -> Meeting:
    """The meeting row, locked until the end of the transaction (serialises agenda edits)."""
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _require_editable(meeting: Meeting) -> None:
    if meeting.status in (Status.CLOSED, Status.CANCELLED):
        raise ValidationError(
            _("This meeting is %(status)s; it can no longer be changed.")
            % {"status": meeting.get_status_display().lower()}
        )


# --- Meetings -------------------------------------------------------------------------


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
    _require_editable(meeting)
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
    locked = _locked(meeting)
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


# --- Agenda ---------------------------------------------------------------------------

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
    locked = _locked(meeting)
    _require_editable(locked)
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
    locked = _locked(meeting)
    _require_editable(locked)
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
    locked = _locked(meeting)
    _require_editable(locked)
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
    locked = _locked(meeting)
    _require_editable(locked)
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
    locked = _locked(item.meeting)
    _require_editable(locked)
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
    locked = _locked(meeting)
    _require_editable(locked)
    deleted, _per_model = AgendaItem.objects.filter(meeting=locked, pk=item_id).delete()
    if not deleted:
        raise ValidationError(_("That item is not on this meeting's agenda."))
    _save_order(locked, list(locked.agenda_items.order_by("position", "pk")))
    _bump_version(locked)


# --- Guests ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GuestWarning:
    code: str
    message: str


def booking_warnings(
    *, meeting: Meeting, contacts: Sequence[Contact], region_facets: Sequence[Facet] | None = None
) -> list[GuestWarning]:
    """The warnings for a meeting's guest list (booked or about to be).

    `contacts` must come with `organisation` and `organisation.facets` loaded
    (see `selectors.guests_for_warnings`). Costs at most two queries whatever the
    number of guests."""
    warnings: list[GuestWarning] = []
    # Front-line staff (no organisation) are ours: they are in no customer count or facet.
    customers = [c for c in contacts if c.organisation_id is not None]
    organisations = {c.organisation_id: c.organisation for c in customers}
    if meeting.is_panel and not 3 <= len(organisations) <= 4:
        warnings.append(
            GuestWarning(
                "panel_size",
                _("A panel works best with 3–4 customer organisations; this one has %(count)s.")
                % {"count": len(organisations)},
            )
        )
    guest_facets: dict[int, Facet] = {}
    for org in organisations.values():
        for facet in org.facets.all():
            guest_facets[facet.pk] = facet
    if len(customers) >= 2 and len(guest_facets) == 1:
        (facet,) = guest_facets.values()
        warnings.append(
            GuestWarning(
                "one_facet",
                _(
                    "Every guest comes from one facet of the business (%(facet)s); "
                    "invite customers who see other sides of it."
                )
                % {"facet": facet},
            )
        )
    if meeting.is_panel and customers:
        if region_facets is None:
            region_facets = list(
                Facet.objects.filter(organisations__region_id=meeting.region_id).distinct()
            )
        missing = [f for f in region_facets if f.pk not in guest_facets]
        if missing:
            warnings.append(
                GuestWarning(
                    "facets_missing",
                    _("Facets of the region not represented: %(facets)s.")
                    % {"facets": ", ".join(str(f) for f in missing)},
                )
            )
    per_org: dict[int, list[Contact]] = {}
    for contact in customers:
        per_org.setdefault(contact.organisation_id, []).append(contact)
    for org_id, people in per_org.items():
        if len(people) > 1:
            warnings.append(
                GuestWarning(
                    "same_organisation",
                    _("%(count)s guests from %(organisation)s: %(names)s.")
                    % {
                        "count": len(people),
                        "organisation": organisations[org_id],
                        "names": ", ".join(p.name for p in people),
                    },
                )
            )
    for contact in contacts:
        if contact.has_opted_out:
            warnings.append(
                GuestWarning(
                    "opted_out",
                    _("%(name)s (%(organisation)s) opted out of non-essential mail.")
                    % {"name": contact.name, "organisation": contact.affiliation},
                )
            )
    if contacts and meeting.pk:
        overlapping = (
            Booking.objects.filter(
                contact__in=[c.pk for c in contacts],
                meeting__starts_at__lt=meeting.ends_at,
                meeting__ends_at__gt=meeting.starts_at,
            )
            .exclude(meeting_id=meeting.pk)
            .exclude(meeting__status=Status.CANCELLED)
            .select_related("contact", "meeting")
            .order_by("meeting__starts_at", "pk")
        )
        for booking in overlapping:
            warnings.append(
                GuestWarning(
                    "overlap",
                    _("%(name)s is already booked in “%(meeting)s”, which overlaps this meeting.")
                    % {"name": booking.contact.name, "meeting": booking.meeting.title},
                )
            )
    return warnings


@transaction.atomic
def booking_add(*, meeting: Meeting, contacts: Sequence[Contact], by) -> list[Booking]:
    """Book contacts as guests. Refuses erased contacts and meetings already held,
    closed or cancelled; a contact already booked is not booked twice."""
    locked = _locked(meeting)
    if locked.status not in (Status.DRAFT, Status.INVITED):
        raise ValidationError(
            _("Guests cannot be added to a %(status)s meeting.")
            % {"status": locked.get_status_display().lower()}
        )
    erased = [c for c in contacts if c.is_erased]
    if erased:
        raise ValidationError(_("An erased contact cannot be booked."))
    already = set(
        Booking.objects.filter(meeting=locked, contact__in=contacts).values_list(
            "contact_id", flat=True
        )
    )
    created = [
        Booking.objects.create(meeting=locked, contact=c) for c in contacts if c.pk not in already
    ]
    return created


@transaction.atomic
def front_line_staff_invite(*, meeting: Meeting, name: str, email: str, by) -> Booking:
    """Book one of our own front-line staff by name and email, like a guest.

    They need no user account: the booking gets the guests' invitation, signed RSVP
    link, reminders and updates (invitations app, through the outbox). Their contact has
    no organisation, so they count as staff, never as a customer organisation. An email
    already known as front-line staff reuses that person; an email of a customer
    contact is refused (book customers from the contact list). Same refusals as
    `booking_add` (a held, closed or cancelled meeting)."""
    name = " ".join(name.split())
    email = email.strip()
    errors = {}
    if not name:
        errors["name"] = gettext("Write the person's name.")
    if not email:
        errors["email"] = gettext(
            "Write their email address: the invitation and RSVP link go there."
        )
    if errors:
        raise ValidationError(errors)
    contact = Contact.objects.filter(email__iexact=email).first()
    if contact is not None and not contact.is_front_line_staff:
        raise ValidationError(
            {
                "email": gettext(
                    "This email address belongs to a customer contact: book customers "
                    "from the contact list."
                )
            }
        )
    if contact is None:
        contact = Contact(organisation=None, name=name, email=email)
        # Every field but the organisation, which only customer contacts have; the
        # database's unique email (case-insensitive) settles two leaders adding one person
        # at the same moment.
        contact.full_clean(exclude=["organisation"], validate_unique=False)
        try:
            with transaction.atomic():
                contact.save()
        except IntegrityError:
            contact = Contact.objects.filter(email__iexact=email, organisation__isnull=True).first()
            if contact is None:
                raise ValidationError(
                    {"email": gettext("This email address belongs to a customer contact.")}
                ) from None
    if Booking.objects.filter(meeting=meeting, contact=contact).exists():
        raise ValidationError(
            {
                "email": gettext("%(name)s is already invited to this meeting.")
                % {"name": contact.name}
            }
        )
    (booking,) = booking_add(meeting=meeting, contacts=[contact], by=by)
    return booking


@transaction.atomic
def booking_remove(*, meeting: Meeting, booking_id) -> None:
    _require_editable(meeting)
    if meeting.status == Status.HELD:
        raise ValidationError(_("The meeting has been held; mark the guest absent instead."))
    deleted, _per_model = Booking.objects.filter(meeting=meeting, pk=booking_id).delete()
    if not deleted:
        raise ValidationError(_("That guest is not booked in this meeting. Nothing was changed."))


@transaction.atomic
def booking_mark_attendance(*, meeting: Meeting, attendance: dict, by) -> int:
    """Record who attended a held meeting (True / False / None for unknown).

    This is what "last met" in customers reads. Refused, changing nothing, if any
    booking is not this meeting's."""
    if meeting.status != Status.HELD:
        raise ValidationError(
            _("Attendance is marked once the meeting is held, before it is closed.")
        )
    bookings = {str(b.pk): b for b in Booking.objects.filter(meeting=meeting)}
    foreign = [k for k in attendance if str(k) not in bookings]
    if foreign:
        raise ValidationError(_("That guest is not booked in this meeting. Nothing was changed."))
    changed = []
    for key, value in attendance.items():
        booking = bookings[str(key)]
        if booking.attended != value:
            booking.attended = value
            changed.append(booking)
    Booking.objects.bulk_update(changed, ["attended"])
    return len(changed)


# --- Preparation and questions ----------------------------------------------------------


@transaction.atomic
def prep_item_set_done(*, meeting: Meeting, item_id, done: bool, by) -> PrepItem:
    item = PrepItem.objects.filter(meeting=meeting, pk=item_id).first()
    if item is None:
        raise ValidationError(_("That step is not on this meeting's checklist."))
    if done and item.done_at is None:
        item.done_at, item.done_by = timezone.now(), by
    elif not done:
        item.done_at, item.done_by = None, None
    item.save(update_fields=["done_at", "done_by"])
    return item


@transaction.atomic
def prep_item_add(*, meeting: Meeting, text: str) -> PrepItem:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the step to add."))
    last = meeting.prep_items.order_by("-position").values_list("position", flat=True).first()
    item = PrepItem(meeting=meeting, text=text, position=(last or 0) + 1)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def meeting_question_add(*, meeting: Meeting, question_id) -> MeetingQuestion:
    question = Question.objects.filter(pk=question_id, is_active=True).first()
    if question is None:
        raise ValidationError(_("That question is not in the question bank."))
    if MeetingQuestion.objects.filter(meeting=meeting, question=question).exists():
        raise ValidationError(_("That question is already chosen."))
    last = meeting.questions.order_by("-position").values_list("position", flat=True).first()
    return MeetingQuestion.objects.create(
        meeting=meeting, question=question, position=0 if last is None else last + 1
    )


@transaction.atomic
def meeting_question_remove(*, meeting: Meeting, chosen_id) -> None:
    deleted, _per_model = MeetingQuestion.objects.filter(meeting=meeting, pk=chosen_id).delete()
    if not deleted:
        raise ValidationError(_("That question is not chosen for this meeting."))


@transaction.atomic
def meeting_question_move(*, meeting: Meeting, chosen_id, direction: str) -> None:
    chosen = list(meeting.questions.order_by("position", "pk"))
    index = next((n for n, q in enumerate(chosen) if str(q.pk) == str(chosen_id)), None)
    if index is None:
        raise ValidationError(_("That question is not chosen for this meeting."))
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(chosen):
        raise ValidationError(_("That question cannot move further."))
    chosen[index], chosen[target] = chosen[target], chosen[index]
    for position, q in enumerate(chosen):
        q.position = position
    MeetingQuestion.objects.bulk_update(chosen, ["position"])
