import pytest
from django.urls import reverse

from meetings.models import Booking, Meeting
from tests.factories import (
    BookingFactory,
    ContactFactory,
    MeetingFactory,
    OrganisationFactory,
    RegionFactory,
    facilitator,
    leader,
)

pytestmark = pytest.mark.django_db


def test_book_contact_lists_upcoming_meetings_of_the_contacts_region(client):
    owner = leader()
    region = RegionFactory()
    contact = ContactFactory(organisation=OrganisationFactory(region=region))
    mine = MeetingFactory(owner=owner, region=region, title="December leadership")
    MeetingFactory(owner=owner, title="Elsewhere")  # another region
    MeetingFactory(region=region, title="Someone else's")  # not managed by this leader
    client.force_login(owner)
    response = client.get(reverse("meetings:book_contact"), {"contact": contact.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "December leadership" in html
    assert "Elsewhere" not in html
    assert "Someone else&#x27;s" not in html
    assert "Someone else's" not in html
    assert f'value="{mine.pk}"' in html


def test_book_contact_books_the_contact_into_the_chosen_meeting(client):
    owner = leader()
    region = RegionFactory()
    contact = ContactFactory(organisation=OrganisationFactory(region=region))
    meeting = MeetingFactory(owner=owner, region=region)
    client.force_login(owner)
    response = client.post(
        reverse("meetings:book_contact"), {"contact": contact.pk, "meeting": meeting.pk}
    )
    assert response.status_code == 302
    assert Booking.objects.filter(meeting=meeting, contact=contact).exists()


def test_book_contact_shows_warnings_before_booking(client):
    owner = leader()
    region = RegionFactory()
    org = OrganisationFactory(region=region)
    meeting = MeetingFactory(owner=owner, region=region)
    BookingFactory(meeting=meeting, contact=ContactFactory(organisation=org, name="First Guest"))
    contact = ContactFactory(organisation=org, name="Second Guest")
    client.force_login(owner)
    url = reverse("meetings:book_contact")
    response = client.post(url, {"contact": contact.pk, "meeting": meeting.pk})
    assert response.status_code == 200
    assert "2 guests from" in response.content.decode()
    assert not Booking.objects.filter(meeting=meeting, contact=contact).exists()
    response = client.post(url, {"contact": contact.pk, "meeting": meeting.pk, "confirm": "1"})
    assert response.status_code == 302
    assert Booking.objects.filter(meeting=meeting, contact=contact).exists()


def test_book_contact_refuses_a_meeting_not_offered(client):
    owner = leader()
    contact = ContactFactory()
    contact.organisation.region.leaders.add(owner)
    other = MeetingFactory(owner=owner)  # in another region than the contact's
    client.force_login(owner)
    response = client.post(
        reverse("meetings:book_contact"), {"contact": contact.pk, "meeting": other.pk}
    )
    assert response.status_code == 400
    assert "Choose one of the meetings listed" in response.content.decode()
    assert not Booking.objects.exists()


def test_book_contact_of_a_region_the_leader_neither_leads_nor_hosts_in_is_404(client):
    owner = leader()
    contact = ContactFactory()  # another leader's region; no meeting of ours there
    other = MeetingFactory(owner=owner)
    client.force_login(owner)
    url = reverse("meetings:book_contact")
    assert client.get(url, {"contact": contact.pk}).status_code == 404
    response = client.post(url, {"contact": contact.pk, "meeting": other.pk})
    assert response.status_code == 404
    assert contact.name not in response.content.decode()
    assert not Booking.objects.exists()


def test_book_contact_is_not_for_facilitators(client):
    client.force_login(facilitator())
    response = client.get(reverse("meetings:book_contact"), {"contact": ContactFactory().pk})
    assert response.status_code == 403


def test_book_contact_with_unknown_contact_is_404(client):
    client.force_login(leader())
    assert client.get(reverse("meetings:book_contact"), {"contact": "x"}).status_code == 404
    assert Meeting.objects.count() == 0
