"""Writes to a meeting's guests: booking customers and front-line staff, removing them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from customers.models import Contact, Facet

from ..models import (
    Booking,
    Meeting,
)
from ..signals import attendance_changed
from .common import Status, meeting_locked, require_editable


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
    locked = meeting_locked(meeting)
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
    require_editable(meeting)
    if meeting.status == Status.HELD:
        raise ValidationError(_("The meeting has been held; mark the guest absent instead."))
    deleted, _per_model = Booking.objects.filter(meeting=meeting, pk=booking_id).delete()
    if not deleted:
        raise ValidationError(_("That guest is not booked in this meeting. Nothing was changed."))
    attendance_changed.send(sender=Booking, meeting_ids=[meeting.pk])


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
    if changed:
        attendance_changed.send(sender=Booking, meeting_ids=[meeting.pk])
    return len(changed)
