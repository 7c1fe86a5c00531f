"""Writes to the register: organisations and contacts, erasing a contact."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Contact, CustomerImport, Organisation
from ..signals import contact_erased
from .common import ERASED_NAME


def organisation_save(*, organisation: Organisation, facets=None) -> Organisation:
    """Create or update an organisation; validation errors are raised, nothing half-saved."""
    organisation.full_clean()
    organisation.save()
    if facets is not None:
        organisation.facets.set(facets)
    return organisation


def contact_save(*, contact: Contact) -> Contact:
    """Create or update a contact (email unique case-insensitively, checked by full_clean)."""
    contact.email = contact.email.strip()
    contact.full_clean()
    contact.save()
    return contact


def normalise_phone(value: str, *, country: str = "") -> str:
    """A phone number in international format; raises ValidationError when it is not one."""
    value = value.strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, (country or "").upper() or None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _(
                "“%(value)s” is not a phone number. Write it with its country code, like "
                "+44 20 7946 0000."
            )
            % {"value": value}
        ) from exc
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(_("“%(value)s” is not a possible phone number.") % {"value": value})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@transaction.atomic
def contact_erase(*, contact: Contact) -> Contact:
    """Anonymise a contact on request: name, email, phone and job title are gone for good,
    and so are the notes and needs they gave when answering invitations.

    The contact row and its bookings stay, so every "times met" and "last met" count
    stays right; other apps holding copies of the address (e.g. mail already queued)
    scrub them on the `contact_erased` signal, sent inside this transaction. Uploaded
    imports not yet confirmed are deleted, since they may still name the person.
    """
    if contact.is_erased:
        return contact
    old_email, old_name = contact.email, contact.name
    contact.name = ERASED_NAME
    contact.email = ""
    contact.phone = ""
    contact.job_title = ""
    contact.erased_at = timezone.now()
    contact.save(update_fields=["name", "email", "phone", "job_title", "erased_at", "updated_at"])
    # What the guest wrote when answering (notes, accessibility or dietary needs) is theirs
    # too. Reached through the reverse relation, so customers still imports no meetings model.
    contact.bookings.update(rsvp_note="", needs="")
    CustomerImport.objects.filter(applied_at__isnull=True).delete()
    contact_erased.send(sender=Contact, contact=contact, email=old_email, name=old_name)
    return contact
