"""Least access to contact details (customers/rules.py): a region's leaders answer for
the meetings held in it, so they read the details of those meetings' guests, wherever
the guests come from; other contacts of other regions stay out of their sight."""

import pytest

from customers.models import Contact
from customers.rules import contacts_in_scope
from tests.factories import BookingFactory, ContactFactory, MeetingFactory, RegionFactory, leader

pytestmark = pytest.mark.django_db


def test_a_region_leader_sees_the_guests_of_meetings_held_in_their_region():
    home, abroad = RegionFactory(), RegionFactory()
    region_leader = leader()
    home.leaders.add(region_leader)
    meeting = MeetingFactory(region=home, owner=leader())  # someone else's meeting
    guest = ContactFactory(organisation__region=abroad)
    BookingFactory(meeting=meeting, contact=guest)
    stranger = ContactFactory(organisation__region=abroad)

    assert region_leader.has_perm("customers.view_contact", guest)
    assert not region_leader.has_perm("customers.view_contact", stranger)
    visible = set(contacts_in_scope(Contact.objects.all(), region_leader))
    assert guest in visible
    assert stranger not in visible


def test_a_meeting_elsewhere_opens_nothing_to_this_regions_leader():
    home, abroad = RegionFactory(), RegionFactory()
    region_leader = leader()
    home.leaders.add(region_leader)
    guest = ContactFactory(organisation__region=abroad)
    BookingFactory(meeting=MeetingFactory(region=abroad, owner=leader()), contact=guest)
    assert not region_leader.has_perm("customers.view_contact", guest)
