"""Writes to a meeting's preparation: the checklist and the questions for the guests."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Meeting,
    MeetingQuestion,
    PrepItem,
    Question,
)


@transaction.atomic
def prep_item_set_done(*, meeting: Meeting, item_id, done: bool, by) -> PrepItem:
    item = PrepItem.objects.filter(meeting=meeting, pk=item_id).first()
    if item is None:
        raise ValidationError(_("That step is not on this meeting's checklist."))
    if done and item.done_at is None:
        item.done_at, item.done_by = timezone.now(), by
    elif not done:
        item.done_at, item.done_by = None, None
    item.save(update_fields=["done_at", "done_by"])
    return item


@transaction.atomic
def prep_item_add(*, meeting: Meeting, text: str) -> PrepItem:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the step to add."))
    last = meeting.prep_items.order_by("-position").values_list("position", flat=True).first()
    item = PrepItem(meeting=meeting, text=text, position=(last or 0) + 1)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def meeting_question_add(*, meeting: Meeting, question_id) -> MeetingQuestion:
    question = Question.objects.filter(pk=question_id, is_active=True).first()
    if question is None:
        raise ValidationError(_("That question is not in the question bank."))
    if MeetingQuestion.objects.filter(meeting=meeting, question=question).exists():
        raise ValidationError(_("That question is already chosen."))
    last = meeting.questions.order_by("-position").values_list("position", flat=True).first()
    return MeetingQuestion.objects.create(
        meeting=meeting, question=question, position=0 if last is None else last + 1
    )


@transaction.atomic
def meeting_question_remove(*, meeting: Meeting, chosen_id) -> None:
    deleted, _per_model = MeetingQuestion.objects.filter(meeting=meeting, pk=chosen_id).delete()
    if not deleted:
        raise ValidationError(_("That question is not chosen for this meeting."))


@transaction.atomic
def meeting_question_move(*, meeting: Meeting, chosen_id, direction: str) -> None:
    chosen = list(meeting.questions.order_by("position", "pk"))
    index = next((n for n, q in enumerate(chosen) if str(q.pk) == str(chosen_id)), None)
    if index is None:
        raise ValidationError(_("That question is not chosen for this meeting."))
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(chosen):
        raise ValidationError(_("That question cannot move further."))
    chosen[index], chosen[target] = chosen[target], chosen[index]
    for position, q in enumerate(chosen):
        q.position = position
    MeetingQuestion.objects.bulk_update(chosen, ["position"])
