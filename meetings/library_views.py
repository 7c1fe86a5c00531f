"""Pages where leaders manage their own agenda templates and questions (administrators
manage every one). Shared templates and the seed questions are shown, not changed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import library, selectors
from .forms import QuestionForm, TemplateForm
from .models import Question
from .views.common import meeting_or_404 as _meeting

ADD = "meetings.add_library_entry"
CHANGE = "meetings.change_library_entry"


def _require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _template(request, pk):
    """A template the user may start from (else 404) and may change (else 403)."""
    template = selectors.agenda_templates_for(user=request.user).filter(pk=pk).first()
    if template is None:
        raise Http404("No such template.")
    _require(request, CHANGE, template)
    return template


def _question(request, pk):
    question = Question.objects.filter(pk=pk).first()
    if question is None:
        raise Http404("No such question.")
    _require(request, CHANGE, question)
    return question


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_safe
@login_required
def templates(request):
    _require(request, ADD)
    rows = list(selectors.agenda_templates_for(user=request.user).prefetch_related("items"))
    for row in rows:
        row.can_change = request.user.has_perm(CHANGE, row)
    return render(request, "meetings/templates.html", {"templates": rows})


@require_POST
@login_required
def template_save(request, pk):
    meeting = _meeting(request, pk, "meetings.change_meeting")
    _require(request, ADD)
    form = TemplateForm(request.POST)
    if form.is_valid():
        try:
            template = library.agenda_template_save_from_meeting(
                meeting=meeting,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                owner=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _(
                    "“%(name)s” is saved among your agenda templates; new meetings can "
                    "start from it."
                )
                % {"name": template.name},
            )
            return redirect("meetings:templates")
    else:
        messages.error(request, _("Give the template a name (up to 100 characters)."))
    return redirect("meetings:agenda", pk=meeting.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def template_edit(request, pk):
    template = _template(request, pk)
    form = TemplateForm(
        request.POST or None,
        initial={"name": template.name, "description": template.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            library.agenda_template_update(template=template, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": template.name})
            return redirect("meetings:templates")
    return render(request, "meetings/template_form.html", {"form": form, "template": template})


@require_POST
@login_required
def template_delete(request, pk):
    template = _template(request, pk)
    try:
        library.agenda_template_delete(template=template)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("“%(name)s” is deleted; meetings keep their agendas.") % {"name": template.name},
        )
    return redirect("meetings:templates")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def question_bank(request):
    _require(request, ADD)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question = library.question_add(
                text=form.cleaned_data["text"],
                help_text=form.cleaned_data["help_text"],
                owner=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("“%(text)s” is in the bank; facilitators can choose it now.")
                % {"text": question.text},
            )
            return redirect("meetings:question_bank")
    questions = list(Question.objects.select_related("owner"))
    for question in questions:
        question.can_change = request.user.has_perm(CHANGE, question)
    return render(request, "meetings/question_bank.html", {"form": form, "questions": questions})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def question_edit(request, pk):
    question = _question(request, pk)
    form = QuestionForm(
        request.POST or None,
        initial={
            "text": question.text,
            "help_text": question.help,
            "is_active": question.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            library.question_update(question=question, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The question is saved."))
            return redirect("meetings:question_bank")
    return render(request, "meetings/question_form.html", {"form": form, "question": question})


@require_POST
@login_required
def question_delete(request, pk):
    question = _question(request, pk)
    if library.question_delete(question=question):
        messages.success(request, _("The question is deleted."))
    else:
        messages.info(
            request, _("A meeting chose this question, so it is kept there and no longer offered.")
        )
    return redirect("meetings:question_bank")
