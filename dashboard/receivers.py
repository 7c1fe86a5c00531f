"""What the dashboard does when feedback or a meeting changes: queue a live update."""

from django.db import transaction

from .tasks import apply_changes_soon


def items_changed(sender, *, meeting_ids, **kwargs):
    """Feedback sends this after its change committed."""
    apply_changes_soon(list(meeting_ids))


def meetings_changed(sender, *, meeting_ids, **kwargs):
    """Meetings sends its signals inside the transaction: update once it commits."""
    ids = list(meeting_ids)
    transaction.on_commit(lambda: apply_changes_soon(ids), robust=True)


def meeting_changed(sender, *, meeting, **kwargs):
    meetings_changed(sender, meeting_ids=[meeting.pk])
