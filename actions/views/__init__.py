"""The actions pages, one module per part: actions, "you said, we did" follow-ups and
the customer charter."""

from .actions import (
    PER_PAGE,
    SCOPES,
    STATUSES,
    action_by_region,
    action_create,
    action_detail,
    action_edit,
    action_list,
    action_mine,
    action_overdue,
    action_status,
)
from .charter import (
    charter_detail,
    charter_diff,
    charter_heard,
    charter_item_add,
    charter_item_edit,
    charter_list,
    charter_missing,
    charter_new_draft,
    charter_promote,
    charter_version,
    charter_version_transition,
    measure_add,
    measure_record,
)
from .follow_up import follow_up_compose, follow_up_preview, follow_up_public, follow_up_send
from .guest import guest_endorse, guest_page_view
from .recovery import recover_now

__all__ = [
    "recover_now",
    "PER_PAGE",
    "SCOPES",
    "STATUSES",
    "action_by_region",
    "action_create",
    "action_detail",
    "action_edit",
    "action_list",
    "action_mine",
    "action_overdue",
    "action_status",
    "charter_detail",
    "charter_diff",
    "charter_heard",
    "charter_item_add",
    "charter_item_edit",
    "charter_list",
    "charter_missing",
    "charter_new_draft",
    "charter_promote",
    "charter_version",
    "charter_version_transition",
    "follow_up_compose",
    "follow_up_preview",
    "follow_up_public",
    "follow_up_send",
    "guest_endorse",
    "guest_page_view",
    "measure_add",
    "measure_record",
]
