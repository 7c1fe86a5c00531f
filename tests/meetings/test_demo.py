import io

import pytest

from accounts import demo as accounts_demo
from meetings import demo
from meetings.models import Booking, Meeting
from meetings.services import agenda_is_customer_first

pytestmark = pytest.mark.django_db


def test_demo_is_a_year_of_meetings_in_three_countries_and_idempotent():
    accounts_demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    count = Meeting.objects.count()
    demo.seed(stdout=io.StringIO())
    assert Meeting.objects.count() == count
    assert len(set(Meeting.objects.values_list("country", flat=True))) == 3
    assert Meeting.objects.filter(type=Meeting.Type.PANEL).exists()
    orders = {
        agenda_is_customer_first(list(m.agenda_items.all()))
        for m in Meeting.objects.prefetch_related("agenda_items")
    }
    assert orders == {True, False}  # some old-order agendas, some customer-first
    assert Booking.objects.filter(attended=True, meeting__status__in=["held", "closed"]).exists()
    assert Meeting.objects.filter(status="closed").exclude(kind="").exists()
    # Front-line colleagues are invited like guests to the coming leadership meetings.
    staff = Booking.objects.filter(contact__organisation__isnull=True)
    assert staff.exists()
    assert not staff.filter(meeting__type=Meeting.Type.PANEL).exists()
