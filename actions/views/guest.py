"""The guest's standing page ("you said, we did" as it is now) and their answers on the
charter. No account: the signed link (invitations.tokens.guest_page_token) is the key,
and it opens only its own guest's page. In the guest's language (meetings.language)."""

import uuid

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.params import param_flag
from accounts.ratelimits import rate_limit
from invitations.tokens import GUEST_PAGE_SALT, booking_for_token
from meetings.language import for_guest, guest_translation

from .. import guest_page, services
from ..forms import EndorsementForm
from ..models import Charter
from ..rules import guest_may_endorse
from .common import errors_to_form


def _guest_response(request, token, build):
    check = booking_for_token(token, salt=GUEST_PAGE_SALT)
    booking = check.booking
    who = {"contact": booking.contact, "meeting": booking.meeting} if booking else {}
    with guest_translation(**who, default=request.LANGUAGE_CODE) as language:
        if booking is None:
            response = render(
                request,
                "actions/guest_page_invalid.html",
                {"reason": check.problem},
                status=410 if check.problem == "expired" else 404,
            )
        else:
            response = build(booking)
    for_guest(response, language)
    # The link is the guest's key: the site-wide "same-origin" referrer policy keeps it
    # from other sites; "no-referrer" would make the answer form's Origin null (CSRF).
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _render_page(request, booking, *, form=None, answered=None, status=200):
    follow_up = guest_page.published_follow_up(booking.meeting)
    expectations = guest_page.heard_expectations(booking=booking)
    may_answer = guest_may_endorse(booking, now=timezone.now())
    forms = []
    matched = False
    for heard in expectations:
        key = f"{heard.charter.pk}:{heard.lineage}"
        if form is not None and form.data.get("expectation") == key:
            forms.append((heard, form))
            matched = True
        else:
            initial = {"expectation": key, "stance": heard.stance, "suggestion": heard.suggestion}
            forms.append((heard, EndorsementForm(initial=initial, expectations=expectations)))
    context = {
        "meeting": booking.meeting,
        "follow_up": follow_up,
        "content": guest_page.standing_content(follow_up=follow_up) if follow_up else None,
        "show_dates": True,
        "expectations": forms,
        "may_answer": may_answer,
        "answered": answered,
        "errors": form.non_field_errors() if form is not None and not matched else None,
    }
    return render(request, "actions/guest_page.html", context, status=status)


@rate_limit("guest_link")
@require_safe
def guest_page_view(request, token):
    def build(booking):
        return _render_page(request, booking, answered=param_flag(request.GET, "answered", "1"))

    return _guest_response(request, token, build)


@rate_limit("guest_link")
@require_POST
def guest_endorse(request, token):
    def build(booking):
        expectations = guest_page.heard_expectations(booking=booking)
        form = EndorsementForm(request.POST, expectations=expectations)
        if form.is_valid():
            charter_pk, lineage = form.cleaned_data["expectation"].split(":", 1)
            try:
                services.charter_endorse(
                    booking=booking,
                    charter=Charter.objects.get(pk=int(charter_pk)),
                    lineage=uuid.UUID(lineage),
                    stance=form.cleaned_data["stance"],
                    suggestion=form.cleaned_data["suggestion"],
                )
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                page = reverse("actions:guest_page", args=[token])
                return redirect(f"{page}?answered=1#charter")
        elif "expectation" in form.errors:
            form.add_error(None, _("This expectation was not heard at your meeting."))
        return _render_page(request, booking, form=form, status=400)

    return _guest_response(request, token, build)
