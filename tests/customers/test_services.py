import pytest

from customers.models import Contact, CustomerImport
from customers.selectors import organisation_list
from customers.services import contact_erase
from customers.signals import contact_erased
from tests.customers.helpers import attended
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_erasure_removes_name_email_phone_but_keeps_meeting_counts():
    contact = ContactFactory(
        organisation__name="Acme",
        name="Ann Lee",
        email="ann@acme.example",
        phone="+44 20 7946 0000",
        job_title="CFO",
    )
    attended(contact, days=40)
    booking = attended(contact, days=10)
    booking.needs = "Wheelchair access"
    booking.rsvp_note = "Ann will come with her deputy"
    booking.save()
    before = organisation_list().get(name="Acme")

    contact_erase(contact=contact)

    contact = Contact.objects.get(pk=contact.pk)
    assert (contact.name, contact.email, contact.phone, contact.job_title) == (
        "Erased contact",
        "",
        "",
        "",
    )
    assert contact.is_erased
    assert not Contact.objects.filter(email__icontains="ann@").exists()
    after = organisation_list().get(name="Acme")
    assert (after.times_met, after.last_met) == (before.times_met, before.last_met)
    assert contact.bookings.count() == 2
    booking.refresh_from_db()
    assert (booking.needs, booking.rsvp_note) == ("", "")


def test_erasure_tells_other_apps_and_drops_pending_uploads():
    contact = ContactFactory(name="Ann Lee", email="ann@acme.example")
    CustomerImport.objects.create(
        uploaded_by=UserFactory(),
        content=b"organisation,email\nAcme,ann@acme.example\n",
        sha256="x",
    )
    received = []

    def listener(sender, contact, email, name, **kwargs):
        received.append((email, name))

    contact_erased.connect(listener)
    try:
        contact_erase(contact=contact)
    finally:
        contact_erased.disconnect(listener)
    assert received == [("ann@acme.example", "Ann Lee")]
    assert not CustomerImport.objects.exists()


def test_an_erased_email_can_be_used_by_a_new_contact():
    contact = ContactFactory(email="ann@acme.example")
    contact_erase(contact=contact)
    ContactFactory(email="ann@acme.example")
    assert Contact.objects.filter(email="ann@acme.example").count() == 1
