"""Next month's guests, proposed (invitations.proposals): the page and its one step."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .forms import ProposalBookForm
from .proposals import (
    next_month,
    next_month_proposals,
    proposal_book,
    proposal_contacts,
    proposal_fits,
    proposal_meetings,
)


def _leader_or_administrator(request) -> None:
    # Who proposes guests is who books them: leaders (their regions) and administrators.
    if not request.user.has_perm("meetings.add_meeting"):
        raise PermissionDenied


@require_safe
@login_required
def proposals(request):
    _leader_or_administrator(request)
    month, rows = next_month_proposals(user=request.user)
    return render(request, "invitations/proposals.html", {"month": month, "rows": rows})


@require_POST
@login_required
def proposal_accept(request):
    """Book the proposed contact on next month's meeting in their country and draft the
    invitation. A contact or meeting the user may not book is "not one of the choices"."""
    _leader_or_administrator(request)
    month = next_month()
    form = ProposalBookForm(
        request.POST,
        contacts=proposal_contacts(user=request.user),
        meetings=proposal_meetings(user=request.user, month=month),
    )
    if not form.is_valid():
        messages.error(
            request, _("That proposal is no longer open to you. Nothing was booked; see below.")
        )
        return redirect("invitations:proposals")
    contact, meeting = form.cleaned_data["contact"], form.cleaned_data["meeting"]
    if not proposal_fits(meeting=meeting, contact=contact, month=month):
        messages.error(
            request,
            _("“%(meeting)s” is not next month's meeting in %(country)s. Nothing was booked.")
            % {"meeting": meeting.title, "country": contact.organisation.country.name},
        )
        return redirect("invitations:proposals")
    try:
        booking, _invitation = proposal_book(meeting=meeting, contact=contact, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("invitations:proposals")
    if booking is None:
        messages.info(
            request,
            _("%(name)s is already booked in “%(meeting)s”; nothing was booked twice.")
            % {"name": contact.name, "meeting": meeting.title},
        )
    else:
        messages.success(
            request,
            _(
                "%(name)s (%(organisation)s) is booked in “%(meeting)s”. The invitation is "
                "drafted below: read it, then send it."
            )
            % {
                "name": contact.name,
                "organisation": contact.organisation.name,
                "meeting": meeting.title,
            },
        )
    return redirect("invitations:meeting", pk=meeting.pk)


__all__ = ["next_month", "proposal_accept", "proposals"]
