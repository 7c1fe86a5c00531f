import datetime as dt
import uuid

import pytest
from django.core.cache import cache
from django.utils import timezone

from feedback.redaction import clear_cache as clear_capture_caches
from meetings.models import Meeting
from tests.factories import (
    BookingFactory,
    ContactFactory,
    MeetingFactory,
    OrganisationFactory,
    facilitator,
    leader,
)


@pytest.fixture(autouse=True)
def _fresh_caches():
    cache.clear()
    clear_capture_caches()
    yield
    cache.clear()
    clear_capture_caches()


class Running:
    """A meeting running now, with two guests from two organisations and its internal users."""

    def __init__(self):
        now = timezone.now()
        self.acme = OrganisationFactory(name="Acme Logistics Ltd")
        self.northwind = OrganisationFactory(name="Northwind Traders")
        self.bystander = OrganisationFactory(name="Globex Corporation")
        self.guest = ContactFactory(
            organisation=self.acme,
            name="Will Baker",
            email="will.baker@acme-logistics.example",
            phone="+44 20 7946 0958",
        )
        self.guest2 = ContactFactory(
            organisation=self.northwind,
            name="Zoë O'Connor-Lund",
            email="zoe@northwind.example",
            phone="07700 900123",
        )
        self.owner = leader(first_name="Priya", last_name="Raman", email="priya.raman@ours.example")
        self.co_owner = leader(first_name="Tomasz", last_name="Kowalczyk")
        self.facilitator = facilitator(first_name="Femi", last_name="Adeyemi")
        self.facilitator2 = facilitator(first_name="Ingrid", last_name="Solberg")
        self.attendee = leader(first_name="Mark", last_name="Rose")
        self.meeting = MeetingFactory(
            title="Leadership meeting, North",
            owner=self.owner,
            facilitators=[self.facilitator, self.facilitator2],
            status=Meeting.Status.INVITED,
            starts_at=now - dt.timedelta(minutes=30),
            ends_at=now + dt.timedelta(hours=2),
        )
        self.meeting.co_owners.add(self.co_owner)
        self.meeting.internal_attendees.add(self.attendee)
        BookingFactory(meeting=self.meeting, contact=self.guest)
        BookingFactory(meeting=self.meeting, contact=self.guest2)

    def post_data(self, text: str, **extra) -> dict:
        return {
            "text": text,
            "idempotency_key": str(uuid.uuid4()),
            "section": "customer",
            "kind": "concern",
            "sentiment": "negative",
            "source": "guest",
            "stage": "",
            "tags": "",
            **extra,
        }


@pytest.fixture
def running(db):
    return Running()
