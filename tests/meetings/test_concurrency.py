import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from meetings import services
from meetings.models import Meeting, Section
from tests.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.services


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_reorders_from_the_same_version_only_one_wins(postgres):
    meeting = MeetingFactory()
    items = [
        AgendaItemFactory(meeting=meeting, section=Section.CUSTOMER, title=f"C{i}", position=i)
        for i in range(4)
    ]
    version = meeting.agenda_version
    orders = [
        [items[1].pk, items[0].pk, items[2].pk, items[3].pk],
        [items[0].pk, items[1].pk, items[3].pk, items[2].pk],
    ]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def reorder(order):
        try:
            barrier.wait()
            services.agenda_reorder(
                meeting=Meeting.objects.get(pk=meeting.pk), ordered_ids=order, version=version
            )
            results.append("saved")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=reorder, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["refused", "saved"]
    meeting.refresh_from_db()
    assert meeting.agenda_version == version + 1
    saved = list(meeting.agenda_items.order_by("position").values_list("pk", flat=True))
    assert saved in orders
