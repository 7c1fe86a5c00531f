"""Recover quickly and strongly: a concern marked "Recover now" during capture.

The guarantee: exactly one recovery action per concern, owned by the meeting's leader
(its owner) and due within 48 hours of being marked, whoever marks it and however often
(a second mark, a double click, a retried request return the same action).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from feedback.models import FeedbackItem

from ..models import Action
from .actions import action_create

RECOVERY_WINDOW = dt.timedelta(hours=48)
RECOVERY_TITLE_LENGTH = 120


def recovery_due_date(now: dt.datetime) -> dt.date:
    """The day 48 hours after `now`, in the site's time zone: two days after the day the
    concern was marked (an action is due by the end of its due date)."""
    return timezone.localtime(now + RECOVERY_WINDOW).date()


def action_recover_now(
    *, item: FeedbackItem, by: User, now: dt.datetime | None = None
) -> tuple[Action, bool]:
    """The recovery action of a concern, created on first call; returns it and whether it
    was created now. Refuses anything but a concern. The caller checks who may mark it
    (`actions.recover_now` on the item's meeting)."""
    if item.kind != FeedbackItem.Kind.CONCERN:
        raise ValidationError(_("Only a concern can be marked “Recover now”."))
    existing = Action.objects.filter(feedback_item=item, recover_now=True).first()
    if existing is not None:
        return existing, False
    now = now or timezone.now()
    meeting = item.meeting
    title = _("Recover: %(concern)s") % {"concern": item.text[:RECOVERY_TITLE_LENGTH]}
    try:
        with transaction.atomic():
            action = action_create(
                created_by=by,
                title=title[:200],
                owner=meeting.owner,
                due_date=recovery_due_date(now),
                feedback_item=item,
                today=timezone.localtime(now).date(),
                recover_now=True,
            )
    except (IntegrityError, ValidationError) as error:
        if (
            isinstance(error, ValidationError)
            and not Action.objects.filter(feedback_item=item, recover_now=True).exists()
        ):
            raise
        # Marked at the same moment by another facilitator: theirs is the one.
        return Action.objects.get(feedback_item=item, recover_now=True), False
    return action, True
