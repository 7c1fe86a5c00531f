"""The meetings pages, one module per part of a meeting: the meeting itself (list, rhythm,
create, edit, page, status), its agenda, its guests and its preparation."""

from .agenda import (
    agenda,
    agenda_customer_first,
    agenda_item_add,
    agenda_item_delete,
    agenda_item_edit,
    agenda_move,
    agenda_print,
    agenda_reorder,
)
from .guests import book_contact, guest_remove, guests, guests_preview, guests_staff
from .meeting import (
    attendance,
    meeting_create,
    meeting_detail,
    meeting_edit,
    meeting_list,
    meeting_rate,
    meeting_transition,
    rhythm,
)
from .preparation import prep_add, prep_brief, prep_toggle, questions

__all__ = [
    "agenda",
    "agenda_customer_first",
    "agenda_item_add",
    "agenda_item_delete",
    "agenda_item_edit",
    "agenda_move",
    "agenda_print",
    "agenda_reorder",
    "attendance",
    "book_contact",
    "guest_remove",
    "guests",
    "guests_preview",
    "guests_staff",
    "meeting_create",
    "meeting_detail",
    "meeting_edit",
    "meeting_list",
    "meeting_rate",
    "meeting_transition",
    "prep_add",
    "prep_brief",
    "prep_toggle",
    "questions",
    "rhythm",
]
