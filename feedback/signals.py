"""Signals other apps listen to, so feedback never has to know about them.

`items_changed` is sent once the change has committed (never for a change that rolls
back), with `meeting_ids`: the meetings whose items were captured, corrected or
removed. A receiver that fails is logged and does not disturb the capture.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

items_changed = Signal()


def items_changed_on_commit(*, meeting_id: int) -> None:
    """Send `items_changed` for this meeting when the current transaction commits (at
    once outside one)."""

    def send():
        for receiver, result in items_changed.send_robust(
            sender="feedback", meeting_ids=[meeting_id]
        ):
            if isinstance(result, Exception):
                logger.warning("items_changed: %s failed: %r", receiver, result)

    transaction.on_commit(send)
