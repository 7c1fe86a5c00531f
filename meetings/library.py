"""Agenda templates and the question bank as leaders manage them (writes).

Shared templates and the seed questions have no owner and stay the administrators'
(also in Administration); a leader's own entries carry them as owner. The permission
is `meetings.change_library_entry` (meetings/rules.py); these services assume it was
checked and guarantee the rest: a template saved from a meeting copies its agenda as
it is, names are unique (a clear message, never a 500), and a question already chosen
for a meeting is retired rather than deleted, so no meeting loses it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import (
    AgendaTemplate,
    AgendaTemplateItem,
    Meeting,
    MeetingQuestion,
    Question,
    agenda_copy,
)


def _unique_name(name: str, *, exclude_pk=None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the template a name.")})
    clash = AgendaTemplate.objects.filter(name__iexact=name).exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {"name": _("A template named “%(name)s” exists; choose another name.") % {"name": name}}
        )
    return name


@transaction.atomic
def agenda_template_save_from_meeting(
    *, meeting: Meeting, name: str, description: str = "", owner
) -> AgendaTemplate:
    """A new template of `owner`'s with the meeting's agenda, in its order."""
    items = list(meeting.agenda_items.all())
    if not items:
        raise ValidationError(_("This meeting has no agenda to save yet."))
    template = AgendaTemplate(name=_unique_name(name), description=description.strip(), owner=owner)
    template.full_clean()
    template.save()
    AgendaTemplateItem.objects.bulk_create(
        agenda_copy(items, AgendaTemplateItem, template=template)
    )
    return template


@transaction.atomic
def agenda_template_update(*, template: AgendaTemplate, name: str, description: str) -> None:
    template.name = _unique_name(name, exclude_pk=template.pk)
    template.description = description.strip()
    template.full_clean()
    template.save(update_fields=["name", "description"])


@transaction.atomic
def agenda_template_delete(*, template: AgendaTemplate) -> None:
    """Meetings made from it keep their agendas (copies); the default cannot go."""
    if template.is_default:
        raise ValidationError(_("The default template cannot be deleted."))
    template.delete()


@transaction.atomic
def question_add(*, text: str, help_text: str = "", owner) -> Question:
    text = text.strip()
    if Question.objects.filter(text__iexact=text).exists():
        raise ValidationError({"text": _("This question is already in the bank.")})
    last = Question.objects.order_by("-position").values_list("position", flat=True).first()
    question = Question(text=text, help=help_text.strip(), owner=owner, position=(last or 0) + 1)
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_update(*, question: Question, text: str, help_text: str, is_active: bool) -> None:
    text = text.strip()
    if Question.objects.filter(text__iexact=text).exclude(pk=question.pk).exists():
        raise ValidationError({"text": _("This question is already in the bank.")})
    question.text, question.help, question.is_active = text, help_text.strip(), is_active
    question.full_clean()
    question.save(update_fields=["text", "help", "is_active"])


@transaction.atomic
def question_delete(*, question: Question) -> bool:
    """Deletes it, or retires it (no longer offered) when a meeting chose it. True if
    deleted."""
    if MeetingQuestion.objects.filter(question=question).exists():
        question.is_active = False
        question.save(update_fields=["is_active"])
        return False
    question.delete()
    return True
