"""Writes for actions, follow-ups and the charter.

Every service validates before it writes and raises `ValidationError` with a message
a user can act on; nothing is changed when it does.
"""

from .actions import (
    action_create,
    action_reminder_key,
    action_set_status,
    action_update,
    actions_remind_overdue,
    user_may_own_actions,
)
from .charter import (
    charter_create,
    charter_item_add,
    charter_item_delete,
    charter_item_update,
    charter_next_draft,
    charter_version_mark_reviewed,
    charter_version_publish,
    expectation_link,
    expectation_promote,
    measure_create,
    measure_record,
    month_start,
)
from .common import OWNER_ROLES
from .follow_up import (
    follow_up_check_before_sending,
    follow_up_compose,
    follow_up_preview,
    follow_up_publish,
)
from .guest import charter_endorse, follow_up_update_send
from .recovery import action_recover_now, recovery_due_date

__all__ = [
    "OWNER_ROLES",
    "action_create",
    "action_recover_now",
    "action_reminder_key",
    "action_set_status",
    "action_update",
    "actions_remind_overdue",
    "charter_create",
    "charter_endorse",
    "charter_item_add",
    "charter_item_delete",
    "charter_item_update",
    "charter_next_draft",
    "charter_version_mark_reviewed",
    "charter_version_publish",
    "expectation_link",
    "expectation_promote",
    "follow_up_check_before_sending",
    "follow_up_compose",
    "follow_up_preview",
    "follow_up_publish",
    "follow_up_update_send",
    "measure_create",
    "measure_record",
    "month_start",
    "recovery_due_date",
    "user_may_own_actions",
]
