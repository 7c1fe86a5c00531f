import datetime as dt

import pytest
from django.utils import timezone

from dashboard.aggregates import cube_refresh
from dashboard.highlights import highlight_lists, highlights_rewrite
from dashboard.models import Highlight
from meetings.models import Meeting
from tests import factories as f


class World:
    """Meetings with a chosen number of guest organisations, and their feedback."""

    def __init__(self):
        self.region = f.RegionFactory(name="Northern Europe", countries=["GB", "IE"])
        self.organisations = []
        self.contacts = []

    def meeting(self, *, organisations: int, month: dt.date, region=None, kind="", **kwargs):
        starts = timezone.make_aware(dt.datetime(month.year, month.month, 12, 10, 0))
        meeting = f.MeetingFactory(
            region=region or self.region,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
            status=Meeting.Status.HELD,
            kind=kind,
            **kwargs,
        )
        for _ in range(organisations):
            organisation = f.OrganisationFactory(region=meeting.region)
            contact = f.ContactFactory(organisation=organisation)
            self.organisations.append(organisation)
            self.contacts.append(contact)
            f.BookingFactory(meeting=meeting, contact=contact, attended=True)
        return meeting

    def feedback(self, meeting, n=1, **kwargs):
        return [f.FeedbackItemFactory(meeting=meeting, **kwargs) for _ in range(n)]

    def highlight(self, item, value):
        """The item's highlight in `value`'s list, as the writer finds it in its text (the
        live updates and the rebuild rewrite highlights: a planted one would not last)."""
        assert value in highlight_lists(text=item.text, kind=item.kind), item.text
        highlights_rewrite(meeting_ids=[item.meeting_id])
        return Highlight.objects.get(item=item, list=value)

    def refresh(self):
        return cube_refresh()


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def executive_client(client, db):
    user = f.executive(username="esme")
    client.force_login(user)
    return client
