"""The mails of a meeting: invitation, update, cancellation, reminders, thank-you.

Each is registered as an outbox renderer, so it is rendered from the meeting and the
booking as they are when it is sent (a template fixed or a meeting moved while a mail
waits applies to it), and skipped when it no longer applies.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from meetings.language import guest_language
from meetings.models import CUSTOMER_FIRST_ORDER, Booking, Meeting
from outbox.models import OutboxMail
from outbox.renderers import RenderedMail, SkipMail, register

from .ics import meeting_ics
from .timefmt import meeting_time_lines
from .tokens import rsvp_url

CHATHAM_SENTENCE = _(
    "The meeting is held under the Chatham House Rule: what you say may be used to "
    "improve what we do, but neither your identity nor your organisation will be revealed, "
    "and we ask the same of you for everyone else in the room."
)

# Each names the meeting by its own title, in the guest's language.
SUBJECTS = {
    "invitation": _("Invitation: {title}"),
    "update": _("Updated: {title}"),
    "cancellation": _("Cancelled: {title}"),
    "reminder": _("Reminder: {title}"),
    "nudge": _("Will you join us? {title}"),
    "thank_you": _("Thank you for joining {title}"),
}


def agenda_for(meeting: Meeting) -> list:
    """The agenda in customer-first order (the section order, then the leader's order)."""
    rank = {section: i for i, section in enumerate(CUSTOMER_FIRST_ORDER)}
    items = list(meeting.agenda_items.all())
    return sorted(items, key=lambda item: (rank.get(item.section, 99), item.position, item.pk))


def mail_context(*, booking: Booking, variant: str, extra: dict | None = None) -> dict:
    meeting = booking.meeting
    contact = booking.contact
    invitation = getattr(meeting, "invitation", None)
    context = {
        "variant": variant,
        "meeting": meeting,
        "booking": booking,
        "guest_name": contact.name,
        "front_line_staff": contact.is_front_line_staff,
        # The HTML mail shows the title in bold inside translated sentences.
        "title_strong": format_html("<strong>{}</strong>", meeting.title),
        "video_link_html": format_html('<a href="{0}">{0}</a>', meeting.video_link),
        "leader": meeting.owner,
        "time_lines": meeting_time_lines(meeting, contact.time_zone),
        "agenda": agenda_for(meeting),
        "chatham": str(CHATHAM_SENTENCE),
        "personal_message": invitation.personal_message if invitation else "",
        "cancellation_message": invitation.cancellation_message if invitation else "",
        "rsvp_url": rsvp_url(booking),
        "accept_url": rsvp_url(booking, "accept"),
        "decline_url": rsvp_url(booking, "decline"),
        "site_url": settings.SITE_URL,
    }
    context.update(extra or {})
    return context


def render_meeting_mail(
    *, booking: Booking, variant: str, extra: dict | None = None
) -> RenderedMail:
    """The mail as the guest reads it: in the guest's language (meetings.language), with
    the meeting's time in its own time zone (and the guest's, when it differs)."""
    language = guest_language(contact=booking.contact, meeting=booking.meeting)
    with translation.override(language):
        return _render_meeting_mail(booking=booking, variant=variant, extra=extra)


def _render_meeting_mail(*, booking: Booking, variant: str, extra: dict | None) -> RenderedMail:
    context = mail_context(booking=booking, variant=variant, extra=extra)
    subject = str(SUBJECTS[variant]).format(title=booking.meeting.title)
    attachments = ()
    if variant in ("invitation", "update", "cancellation"):
        method = "CANCEL" if variant == "cancellation" else "REQUEST"
        attachments = (
            (
                "invite.ics" if method == "REQUEST" else "cancel.ics",
                meeting_ics(meeting=booking.meeting, booking=booking, method=method),
                f"text/calendar; method={method}",
            ),
        )
    return RenderedMail(
        subject=subject,
        text_body=render_to_string("invitations/mail/meeting_mail.txt", context),
        html_body=render_to_string("invitations/mail/meeting_mail.html", context),
        attachments=attachments,
    )


def _booking(booking_id: int) -> Booking:
    booking = (
        Booking.objects.select_related(
            "meeting", "meeting__owner", "meeting__invitation", "contact"
        )
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise SkipMail("The guest is no longer booked for this meeting.")
    if booking.contact.is_erased or not booking.contact.email:
        raise SkipMail("The guest's contact details were removed.")
    return booking


def _require_not_cancelled(booking: Booking) -> None:
    if booking.meeting.status == Meeting.Status.CANCELLED:
        raise SkipMail("The meeting was cancelled.")


@register("invitations.invitation")
def render_invitation(*, mail: OutboxMail, booking: int) -> RenderedMail:
    booking = _booking(booking)
    _require_not_cancelled(booking)
    return render_meeting_mail(booking=booking, variant="invitation")


@register("invitations.update")
def render_update(*, mail: OutboxMail, booking: int, sequence: int) -> RenderedMail:
    booking = _booking(booking)
    _require_not_cancelled(booking)
    newer = OutboxMail.objects.filter(
        kind=OutboxMail.Kind.UPDATE,
        meeting_id=booking.meeting_id,
        render_args__booking=booking.pk,
        render_args__sequence__gt=sequence,
    ).exists()
    if newer:
        raise SkipMail("A newer update to this guest replaces this one.")
    if booking.rsvp == Booking.Rsvp.DECLINED:
        raise SkipMail("The guest declined the invitation.")
    return render_meeting_mail(booking=booking, variant="update")


@register("invitations.cancellation")
def render_cancellation(*, mail: OutboxMail, booking: int) -> RenderedMail:
    booking = _booking(booking)
    return render_meeting_mail(booking=booking, variant="cancellation")


@register("invitations.reminder")
def render_reminder(*, mail: OutboxMail, booking: int, days: int | None = None) -> RenderedMail:
    booking = _booking(booking)
    _require_not_cancelled(booking)
    if booking.rsvp == Booking.Rsvp.DECLINED:
        raise SkipMail("The guest declined the invitation.")

    if booking.meeting.starts_at <= timezone.now():
        raise SkipMail("The meeting had already started.")
    if days is None:  # the leader's one-off nudge to a guest who has not answered
        if booking.rsvp != Booking.Rsvp.PENDING:
            raise SkipMail("The guest has answered since.")
        return render_meeting_mail(booking=booking, variant="nudge")
    return render_meeting_mail(booking=booking, variant="reminder", extra={"days": days})


@register("invitations.thank_you")
def render_thank_you(*, mail: OutboxMail, booking: int) -> RenderedMail:
    booking = _booking(booking)
    _require_not_cancelled(booking)
    if booking.attended is False:
        raise SkipMail("The guest did not attend.")
    if booking.attended is None and booking.rsvp != Booking.Rsvp.ACCEPTED:
        raise SkipMail("The guest did not accept and their attendance was not recorded.")
    return render_meeting_mail(booking=booking, variant="thank_you")
