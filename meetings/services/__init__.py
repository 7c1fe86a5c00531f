"""Every write to meetings, agendas, guests, preparation and ratings goes through here:
one module per part (meeting, agenda, guests, preparation), re-exported here.

Functions are keyword-only and named `<entity>_<action>`. They raise
`django.core.exceptions.ValidationError` with a message meant for the person on the
page; when they do, nothing has changed.
"""

from .agenda import (
    agenda_is_customer_first,
    agenda_item_add,
    agenda_item_delete,
    agenda_item_move,
    agenda_item_update,
    agenda_reorder,
    customer_first_order,
    customer_inversions,
    meeting_reorder_customer_first,
)
from .common import MEETING_FIELDS, TRANSITIONS, Status
from .guests import (
    GuestWarning,
    booking_add,
    booking_mark_attendance,
    booking_remove,
    booking_warnings,
    front_line_staff_invite,
)
from .meeting import (
    meeting_allowed_transitions,
    meeting_create,
    meeting_invite_missing,
    meeting_rate_kind,
    meeting_transition,
    meeting_update,
    meeting_update_notices,
)
from .preparation import (
    meeting_question_add,
    meeting_question_move,
    meeting_question_remove,
    prep_item_add,
    prep_item_set_done,
)

__all__ = [
    "GuestWarning",
    "MEETING_FIELDS",
    "Status",
    "TRANSITIONS",
    "agenda_is_customer_first",
    "agenda_item_add",
    "agenda_item_delete",
    "agenda_item_move",
    "agenda_item_update",
    "agenda_reorder",
    "booking_add",
    "booking_mark_attendance",
    "booking_remove",
    "booking_warnings",
    "customer_first_order",
    "customer_inversions",
    "front_line_staff_invite",
    "meeting_allowed_transitions",
    "meeting_create",
    "meeting_invite_missing",
    "meeting_question_add",
    "meeting_question_move",
    "meeting_question_remove",
    "meeting_rate_kind",
    "meeting_reorder_customer_first",
    "meeting_transition",
    "meeting_update",
    "meeting_update_notices",
    "prep_item_add",
    "prep_item_set_done",
]
