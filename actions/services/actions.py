"""Writes to actions: create one from what was heard, assign, change status and outcome, reminders."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from feedback.redaction import Redactor, meeting_redactor, register_redactor
from outbox.keys import delivery_key
from outbox.models import OutboxMail
from outbox.services import outbox_enqueue

from .. import mails
from ..models import (
    Action,
)
from .common import OWNER_ROLES
from .guest import follow_up_update_send


def user_may_own_actions(user: User) -> bool:
    """An action owner must be an internal user with access: leader, facilitator or admin."""
    return bool(
        user is not None and user.is_active and any(user.has_role(role) for role in OWNER_ROLES)
    )


def _check_owner(owner: User) -> None:
    if not user_may_own_actions(owner):
        raise ValidationError(
            {
                "owner": _(
                    "%(owner)s cannot own an action: an owner must be a leader, "
                    "facilitator or administrator who can open Open Chair."
                )
                % {"owner": owner}
            }
        )


def _redactor(meeting) -> Redactor:
    """Actions are read by executives and, through "you said, we did", by guests: their
    free text passes through the one redactor before it is stored, like feedback."""
    return meeting_redactor(meeting) if meeting is not None else register_redactor()


def _check_due_date(due_date: dt.date, today: dt.date) -> None:
    if due_date < today:
        raise ValidationError(
            {
                "due_date": _("The due date %(date)s is in the past; choose today or later.")
                % {"date": date_format(due_date, "d M Y")}
            }
        )


@transaction.atomic
def action_create(
    *,
    created_by: User,
    title: str,
    owner: User,
    due_date: dt.date,
    description: str = "",
    feedback_item=None,
    meeting=None,
    region=None,
    today: dt.date | None = None,
    recover_now: bool = False,
) -> Action:
    """Create an open action. Refuses a due date in the past and an owner without access.
    `recover_now`: the recovery action of a concern (`action_recover_now`), one per item."""
    today = today or timezone.localdate()
    _check_due_date(due_date, today)
    _check_owner(owner)
    if feedback_item is not None:
        if meeting is not None and meeting.pk != feedback_item.meeting_id:
            raise ValidationError(_("The feedback item belongs to another meeting."))
        meeting = feedback_item.meeting
    if meeting is not None:
        region = meeting.region
    redactor = _redactor(meeting)
    action = Action(
        title=redactor.redact(title.strip()),
        description=redactor.redact(description.strip()),
        owner=owner,
        due_date=due_date,
        feedback_item=feedback_item,
        meeting=meeting,
        region=region,
        created_by=created_by,
        recover_now=recover_now,
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_update(
    *,
    action: Action,
    by: User,
    title: str,
    description: str,
    owner: User,
    due_date: dt.date,
    today: dt.date | None = None,
) -> Action:
    """Change what an action is, who owns it and when it is due.

    A new due date may not be in the past (an unchanged one may, so an overdue action
    can still be edited); a new owner must have access.
    """
    today = today or timezone.localdate()
    if due_date != action.due_date:
        _check_due_date(due_date, today)
    if owner.pk != action.owner_id:
        _check_owner(owner)
    redactor = _redactor(action.meeting)
    action.title = redactor.redact(title.strip())
    action.description = redactor.redact(description.strip())
    action.owner = owner
    action.due_date = due_date
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_set_status(
    *,
    action: Action,
    by: User,
    status: str,
    reason: str = "",
    what_was_done: str = "",
    today: dt.date | None = None,
) -> Action:
    """Move an action to a new status.

    Only the owner, the meeting's owner or co-owners and administrators may; "won't do"
    needs a reason. "Done" records the day it was completed; reopening clears it.
    Closing the last open action of a meeting whose follow-up was sent tells its guests
    once (`follow_up_update_send`).
    """
    if not by.has_perm("actions.change_action_status", action):
        raise PermissionDenied(_("Only the owner, the meeting's owners or an administrator may."))
    if status not in Action.Status.values:
        raise ValidationError({"status": _("Choose one of the statuses listed.")})
    redactor = _redactor(action.meeting)
    reason = redactor.redact(reason.strip())
    what_was_done = redactor.redact(what_was_done.strip())
    if status == Action.Status.WONT_DO and not reason:
        raise ValidationError({"reason": _("Say why the action won't be done.")})
    today = today or timezone.localdate()
    action.status = status
    action.status_reason = reason if status == Action.Status.WONT_DO else ""
    if what_was_done or status == Action.Status.DONE:
        action.what_was_done = what_was_done or action.what_was_done
    if status == Action.Status.DONE:
        action.completed_on = action.completed_on or today
    else:
        action.completed_on = None
    action.full_clean()
    action.save()
    if action.is_closed and action.meeting_id:
        follow_up_update_send(meeting=action.meeting)
    return action


def action_reminder_key(action: Action) -> str:
    """One reminder per action and due date: moving the due date earns a new reminder."""
    return delivery_key("action-reminder", action.pk, action.due_date.isoformat())


def actions_remind_overdue(*, today: dt.date | None = None) -> int:
    """Queue a reminder mail to the owner of every overdue action, once per due date.

    Safe to run any number of times: the outbox's unique delivery key (action and due
    date) turns a repeat into a no-op. Returns how many reminders were newly queued.
    """

    today = today or timezone.localdate()
    overdue = (
        Action.objects.filter(
            status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS], due_date__lt=today
        )
        .exclude(owner__email="")
        .select_related("owner", "meeting")
    )
    queued = 0
    for action in overdue.iterator(chunk_size=200):
        subject, text_body, html_body = mails.action_reminder(action=action, today=today)
        with transaction.atomic():
            mail = outbox_enqueue(
                kind=OutboxMail.Kind.ACTION_REMINDER,
                recipient=action.owner.email,
                subject=subject,
                text_body=text_body,
                html_body=html_body,
                delivery_key=action_reminder_key(action),
                meeting=action.meeting,
            )
        queued += mail.created
    return queued
