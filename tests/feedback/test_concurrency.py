"""Against PostgreSQL: facilitators saving at the same moment never collide or duplicate."""

import threading
import uuid

import pytest
from django.db import connections

from feedback.models import FeedbackItem
from feedback.redaction import meeting_redactor
from feedback.services import feedback_capture

pytestmark = pytest.mark.services


def test_simultaneous_captures_get_distinct_numbers_and_retries_stay_single(
    transactional_db, postgres, running
):
    redactor = meeting_redactor(running.meeting)
    keys = [uuid.uuid4() for _ in range(24)]
    errors = []
    start = threading.Barrier(6)

    def facilitator_saves(my_keys):
        try:
            start.wait()
            for key in my_keys:
                # Every item is sent twice, as a retry after a lost answer would.
                for _attempt in range(2):
                    feedback_capture(
                        meeting=running.meeting,
                        text=f"Will Baker said item {key}",
                        idempotency_key=key,
                        redactor=redactor,
                    )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=facilitator_saves, args=(keys[i::6],)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(FeedbackItem.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 25))
    assert not FeedbackItem.objects.filter(text__contains="Will").exists()
