from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.params import param_choice, param_flag, param_id
from accounts.ratelimits import rate_limit
from meetings.models import Booking, Meeting
from meetings.services import meeting_invite_missing

from .forms import CancelForm, ComposeForm, RecordAnswerForm, RsvpForm
from .mail import CHATHAM_SENTENCE, agenda_for, render_meeting_mail
from .selectors import invitation_overview
from .services import (
    invitation_for,
    invitation_send,
    meeting_cancel,
    meeting_changes_send,
    nudge_send,
    rsvp_answer,
)
from .timefmt import meeting_time_lines
from .tokens import answer_version, answer_version_is_current, booking_for_token


def _meeting_for(request, pk: int, perm: str = "invitations.send_invitation") -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("region", "owner"), pk=pk)
    if not request.user.has_perm(perm, meeting):
        raise Http404  # a meeting the user may not act on is one they need not know of
    return meeting


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_invitations(request, pk: int):
    meeting = _meeting_for(request, pk)
    invitation = invitation_for(meeting)
    if request.method == "POST":
        form = ComposeForm(request.POST)
        if form.is_valid():
            invitation.personal_message = form.cleaned_data["personal_message"]
            invitation.reminder_days = form.cleaned_data["reminder_days"]
            invitation.save(update_fields=["personal_message", "reminder_days"])
            if param_flag(request.POST, "action", "send"):
                try:
                    count = invitation_send(meeting=meeting, user=request.user)
                except ValidationError as exc:
                    messages.error(request, _errors(exc))
                else:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)s invitation queued; follow them below and in the outbox.",
                            "%(count)s invitations queued; follow them below and in the outbox.",
                            count,
                        )
                        % {"count": count},
                    )
                return redirect("invitations:meeting", pk=meeting.pk)
            messages.info(request, _("Saved. The preview below shows the invitation as sent."))
            return redirect("invitations:meeting", pk=meeting.pk)
    else:
        form = ComposeForm(
            initial={
                "personal_message": invitation.personal_message,
                "reminder_days": ", ".join(str(d) for d in invitation.reminder_days),
            }
        )
    overview = invitation_overview(meeting=meeting)
    preview_booking = None
    if (guest_pk := param_id(request.GET, "guest")) is not None:
        preview_booking = next((b for b in overview["bookings"] if b.pk == guest_pk), None)
    mailable = [b for b in overview["bookings"] if b.contact.email and not b.contact.is_erased]
    preview_booking = preview_booking or (mailable[0] if mailable else None)
    preview = None
    if preview_booking is not None:
        preview = render_meeting_mail(booking=preview_booking, variant="invitation")
    context = {
        "meeting": meeting,
        "form": form,
        "preview": preview,
        "preview_booking": preview_booking,
        "mailable": mailable,
        "record_form": RecordAnswerForm(),
        "cancel_form": CancelForm(),
        "is_cancelled": meeting.status == Meeting.Status.CANCELLED,
        "has_started": meeting.starts_at <= timezone.now(),
        "can_cancel": request.user.has_perm("invitations.cancel_meeting", meeting),
        "time_lines": meeting_time_lines(meeting),
        "invite_missing": (
            meeting_invite_missing(meeting=meeting)
            if meeting.status == Meeting.Status.DRAFT
            else []
        ),
        **overview,
    }
    return render(request, "invitations/meeting.html", context)


@login_required
@require_safe
@xframe_options_sameorigin
def preview_html(request, pk: int, booking_pk: int):
    meeting = _meeting_for(request, pk)
    booking = get_object_or_404(
        Booking.objects.select_related("contact", "meeting"), pk=booking_pk, meeting=meeting
    )
    response = HttpResponse(render_meeting_mail(booking=booking, variant="invitation").html_body)
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
    )
    return response


@login_required
@require_POST
def send_update(request, pk: int):
    meeting = _meeting_for(request, pk)
    count = meeting_changes_send(meeting=meeting, user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "Update queued for %(count)s guest.", "Update queued for %(count)s guests.", count
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("Nothing the guests were told has changed; no update sent."))
    return redirect("invitations:meeting", pk=meeting.pk)


@login_required
@require_POST
def send_nudge(request, pk: int):
    meeting = _meeting_for(request, pk)
    count = nudge_send(meeting=meeting, user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "A reminder is on its way to %(count)s guest who has not answered.",
                "A reminder is on its way to %(count)s guests who have not answered.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("No guest is waiting for a nudge (each gets one at most)."))
    return redirect("invitations:meeting", pk=meeting.pk)


@login_required
@require_POST
def cancel(request, pk: int):
    meeting = _meeting_for(request, pk, "invitations.cancel_meeting")
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("invitations:meeting", pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELLED:
        messages.info(request, _("The meeting was already cancelled; nobody is told twice."))
        return redirect("invitations:meeting", pk=meeting.pk)
    try:
        count = meeting_cancel(
            meeting=meeting, user=request.user, message=form.cleaned_data["message"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("invitations:meeting", pk=meeting.pk)
    messages.success(
        request,
        ngettext(
            "The meeting is cancelled; %(count)s guest will be told.",
            "The meeting is cancelled; %(count)s guests will be told.",
            count,
        )
        % {"count": count},
    )
    return redirect("invitations:meeting", pk=meeting.pk)


@login_required
@require_POST
def record_answer(request, pk: int, booking_pk: int):
    meeting = _meeting_for(request, pk, "invitations.record_rsvp")
    booking = get_object_or_404(Booking, pk=booking_pk, meeting=meeting)
    form = RecordAnswerForm(request.POST)
    if form.is_valid():
        try:
            rsvp_answer(
                booking=booking,
                answer=form.cleaned_data["answer"],
                note=form.cleaned_data["note"],
                needs=form.cleaned_data["needs"],
                chatham_acknowledged=form.cleaned_data["chatham_acknowledged"],
                recorded_by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(
                request, _("Answer recorded for %(name)s.") % {"name": booking.contact.name}
            )
    else:
        messages.error(request, _("Choose an answer to record."))
    return redirect("invitations:meeting", pk=meeting.pk)


# --- the guest's page, without an account -------------------------------------------


def _closed(request, reason: str, status: int, booking=None):
    return render(
        request,
        "invitations/rsvp_closed.html",
        {"reason": reason, "booking": booking},
        status=status,
    )


@rate_limit("rsvp")
@require_http_methods(["GET", "HEAD", "POST"])
def rsvp(request, token: str):
    check = booking_for_token(token)
    if check.booking is None:
        return _closed(request, "invalid", 404)
    booking = check.booking
    meeting = booking.meeting
    now = timezone.now()
    if meeting.status == Meeting.Status.CANCELLED:
        return _closed(request, "cancelled", 410, booking)
    if meeting.ends_at <= now:
        return _closed(request, "expired", 410, booking)
    started = meeting.starts_at <= now
    stale = False
    saved = False
    if request.method == "POST" and not started:
        form = RsvpForm(request.POST)
        if form.is_valid():
            if not answer_version_is_current(booking, form.cleaned_data["version"]):
                # Sent twice, or replayed from an old page: nothing is changed.
                stale = True
            else:
                try:
                    booking = rsvp_answer(
                        booking=booking,
                        answer=form.cleaned_data["answer"],
                        note=form.cleaned_data["note"],
                        needs=form.cleaned_data["needs"],
                        chatham_acknowledged=form.cleaned_data["chatham_acknowledged"],
                    )
                    saved = True
                except ValidationError as exc:
                    form.add_error(None, exc)
        if saved or stale:
            form = RsvpForm(
                initial={
                    "answer": booking.rsvp if booking.rsvp != Booking.Rsvp.PENDING else None,
                    "needs": booking.needs,
                    "note": booking.rsvp_note,
                    "chatham_acknowledged": bool(booking.chatham_acknowledged_at),
                    "version": answer_version(booking),
                }
            )
        else:
            form.data = form.data.copy()
            form.data["version"] = answer_version(booking)
    else:
        wanted = {"accept": Booking.Rsvp.ACCEPTED, "decline": Booking.Rsvp.DECLINED}.get(
            param_choice(request.GET, "answer", ("accept", "decline"))
        )
        current = booking.rsvp if booking.rsvp != Booking.Rsvp.PENDING else None
        form = RsvpForm(
            initial={
                "answer": wanted or current,
                "needs": booking.needs,
                "note": booking.rsvp_note,
                "chatham_acknowledged": bool(booking.chatham_acknowledged_at),
                "version": answer_version(booking),
            }
        )
    context = {
        "booking": booking,
        "meeting": meeting,
        "form": form,
        "time_lines": meeting_time_lines(meeting, booking.contact.time_zone),
        "agenda": agenda_for(meeting),
        "chatham": CHATHAM_SENTENCE,
        "started": started,
        "stale": stale,
        "saved": saved,
    }
    response = render(request, "invitations/rsvp.html", context)
    # The link is the guest's key: the site-wide "same-origin" referrer policy keeps it
    # from other sites (the video link); "no-referrer" would make the form's Origin null.
    response["Cache-Control"] = "no-store"
    return response
