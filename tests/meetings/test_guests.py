import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings import services
from meetings.models import Booking, Meeting
from meetings.selectors import contacts_with_facets
from tests.factories import (
    BookingFactory,
    ContactFactory,
    FacetFactory,
    MeetingFactory,
    OrganisationFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


def codes(meeting, contacts):
    full = contacts_with_facets(ids=[c.pk for c in contacts])
    return [w.code for w in services.booking_warnings(meeting=meeting, contacts=full)]


@pytest.fixture
def region():
    region = RegionFactory()
    facets = [FacetFactory(name=n) for n in ("Retail", "Wholesale", "Public sector")]
    for facet in facets:  # the region's organisations cover three facets
        OrganisationFactory(region=region, facets=[facet])
    return region


def guests(region, facet_names):
    return [
        ContactFactory(
            organisation=OrganisationFactory(
                region=region, facets=[FacetFactory(name=name) for name in names]
            )
        )
        for names in facet_names
    ]


def test_panel_with_fewer_than_three_organisations_warns(region):
    panel = MeetingFactory(region=region, type=Meeting.Type.PANEL)
    contacts = guests(region, [["Retail"], ["Wholesale"]])
    assert "panel_size" in codes(panel, contacts)


def test_panel_with_more_than_four_organisations_warns(region):
    panel = MeetingFactory(region=region, type=Meeting.Type.PANEL)
    contacts = guests(
        region, [["Retail"], ["Wholesale"], ["Public sector"], ["Retail"], ["Retail"]]
    )
    assert "panel_size" in codes(panel, contacts)


def test_panel_of_three_covering_every_facet_has_no_warning(region):
    panel = MeetingFactory(region=region, type=Meeting.Type.PANEL)
    contacts = guests(region, [["Retail"], ["Wholesale"], ["Public sector"]])
    assert codes(panel, contacts) == []


def test_all_guests_from_one_facet_warns(region):
    panel = MeetingFactory(region=region, type=Meeting.Type.PANEL)
    contacts = guests(region, [["Retail"], ["Retail"], ["Retail"]])
    found = codes(panel, contacts)
    assert "one_facet" in found
    assert "facets_missing" in found


def test_facets_of_the_region_not_represented_are_named(region):
    panel = MeetingFactory(region=region, type=Meeting.Type.PANEL)
    contacts = guests(region, [["Retail"], ["Wholesale"], ["Wholesale", "Retail"]])
    full = contacts_with_facets(ids=[c.pk for c in contacts])
    warnings = services.booking_warnings(meeting=panel, contacts=full)
    missing = [w for w in warnings if w.code == "facets_missing"]
    assert len(missing) == 1
    assert "Public sector" in missing[0].message


def test_two_guests_from_one_organisation_warns(region):
    meeting = MeetingFactory(region=region)
    org = OrganisationFactory(region=region)
    contacts = [ContactFactory(organisation=org), ContactFactory(organisation=org)]
    assert "same_organisation" in codes(meeting, contacts)


def test_contact_who_opted_out_warns(region):
    meeting = MeetingFactory(region=region)
    contact = ContactFactory(organisation=OrganisationFactory(region=region))
    contact.opted_out_at = timezone.now()
    contact.save()
    assert codes(meeting, [contact]) == ["opted_out"]


def test_contact_booked_in_an_overlapping_meeting_warns(region):
    meeting = MeetingFactory(region=region)
    contact = ContactFactory(organisation=OrganisationFactory(region=region))
    other = MeetingFactory(
        starts_at=meeting.starts_at + dt.timedelta(hours=1),
        ends_at=meeting.ends_at + dt.timedelta(hours=1),
    )
    BookingFactory(meeting=other, contact=contact)
    assert codes(meeting, [contact]) == ["overlap"]
    other.status = Meeting.Status.CANCELLED
    other.save()
    assert codes(meeting, [contact]) == []


def test_meeting_the_next_day_does_not_overlap(region):
    meeting = MeetingFactory(region=region)
    contact = ContactFactory(organisation=OrganisationFactory(region=region))
    BookingFactory(
        meeting=MeetingFactory(
            starts_at=meeting.starts_at + dt.timedelta(days=1),
            ends_at=meeting.ends_at + dt.timedelta(days=1),
        ),
        contact=contact,
    )
    assert codes(meeting, [contact]) == []


def test_single_guest_leadership_meeting_has_no_panel_warnings(region):
    meeting = MeetingFactory(region=region)
    assert codes(meeting, guests(region, [["Retail"]])) == []


def test_erased_contact_cannot_be_booked(region):
    meeting = MeetingFactory(region=region)
    contact = ContactFactory(organisation=OrganisationFactory(region=region))
    contact.erased_at = timezone.now()
    with pytest.raises(ValidationError):
        services.booking_add(meeting=meeting, contacts=[contact], by=meeting.owner)
    assert not Booking.objects.exists()


def test_removing_a_guest_of_another_meeting_changes_nothing():
    meeting = MeetingFactory()
    other_booking = BookingFactory()
    with pytest.raises(ValidationError, match="not booked in this meeting"):
        services.booking_remove(meeting=meeting, booking_id=other_booking.pk)
    assert Booking.objects.filter(pk=other_booking.pk).exists()


def test_attendance_with_a_guest_of_another_meeting_changes_nothing():
    meeting = MeetingFactory(status=Meeting.Status.HELD)
    mine = BookingFactory(meeting=meeting)
    other = BookingFactory()
    with pytest.raises(ValidationError, match="not booked in this meeting"):
        services.booking_mark_attendance(
            meeting=meeting, attendance={mine.pk: True, other.pk: True}, by=meeting.owner
        )
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.attended is None
    assert other.attended is None


def test_attendance_is_recorded_on_a_held_meeting():
    meeting = MeetingFactory(status=Meeting.Status.HELD)
    came, absent = BookingFactory(meeting=meeting), BookingFactory(meeting=meeting)
    services.booking_mark_attendance(
        meeting=meeting, attendance={came.pk: True, absent.pk: False}, by=meeting.owner
    )
    assert Booking.objects.get(pk=came.pk).attended is True
    assert Booking.objects.get(pk=absent.pk).attended is False
