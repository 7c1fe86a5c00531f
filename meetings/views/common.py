"""What every meeting page needs: the meeting as the user may see it, their abilities."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from .. import selectors
from ..models import Meeting

Status = Meeting.Status


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def meeting_or_404(request, pk, perm: str | None = None, *, for_page: bool = False) -> Meeting:
    """The meeting, if the user may know it exists (else 404) and holds `perm` (else 403)."""
    try:
        if for_page:
            meeting = selectors.meeting_for_page(pk=pk)
        else:
            meeting = (
                Meeting.objects.select_related("region", "owner")
                .prefetch_related("co_owners", "facilitators")
                .get(pk=pk)
            )
    except Meeting.DoesNotExist:
        raise Http404("No such meeting.") from None
    if not request.user.has_perm("meetings.view_meeting", meeting):
        raise Http404("No such meeting.")
    if perm and not request.user.has_perm(perm, meeting):
        raise PermissionDenied
    return meeting


def abilities(user, meeting) -> dict:
    return {
        name: user.has_perm(f"meetings.{name}", meeting)
        for name in (
            "change_meeting",
            "book_guests",
            "prepare_meeting",
            "mark_attendance",
            "rate_meeting",
            "close_meeting",
        )
    }


def transition_perm(to: str) -> str:
    if to == Status.HELD:
        return "meetings.prepare_meeting"
    if to == Status.CLOSED:
        return "meetings.close_meeting"
    return "meetings.change_meeting"
