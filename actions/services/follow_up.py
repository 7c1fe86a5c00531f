""" "You said, we did": composing and sending a meeting's follow-up to its guests."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from invitations.tokens import guest_page_url
from meetings.language import guest_language
from outbox.keys import delivery_key
from outbox.models import OutboxMail
from outbox.services import outbox_enqueue_many

from .. import followup, mails
from ..followup import mail_fields, names_in
from ..models import (
    FollowUp,
)


def _refuse_names(*, meeting, fields: dict[str, str]) -> None:

    errors = {
        name: _(
            "A follow-up names nobody and no organisation (Chatham House Rule). Remove: %(names)s."
        )
        % {"names": ", ".join(found)}
        for name, found in names_in(meeting=meeting, fields=fields).items()
    }
    if errors:
        raise ValidationError(errors)


def follow_up_check_before_sending(*, follow_up: FollowUp) -> None:
    """The last check before a follow-up goes to guests: every free text of the mail is
    read once more by the redactor, which knows the whole register as it is now. A name
    typed after the draft was saved, a contact added since, or anything the content's
    redaction let through stops the send with a message that names the field to correct;
    nothing is sent."""

    fields = mail_fields(
        content=follow_up.content,
        introduction=follow_up.introduction,
        closing=follow_up.closing,
    )
    found = names_in(meeting=follow_up.meeting, fields=fields)
    if found:
        where = "; ".join(f"{field}: {', '.join(names)}" for field, names in found.items())
        raise ValidationError(
            _(
                "Nothing was sent: a follow-up names nobody and no organisation (Chatham House "
                "Rule), and these still do — %(where)s. Correct them and send again."
            )
            % {"where": where}
        )


@transaction.atomic
def follow_up_compose(
    *, meeting, by: User, introduction: str, closing: str, feedback_items
) -> FollowUp:
    """Save the leader's draft of a meeting's follow-up.

    Refused for a meeting not yet held, for a follow-up already sent (it is read-only
    from then on), for feedback of another meeting, and for words that name a guest,
    a member of staff or any customer organisation.
    """

    if not followup.held(meeting):
        raise ValidationError(_("A follow-up can only be written once the meeting has been held."))
    items = list(feedback_items)
    if any(item.meeting_id != meeting.pk for item in items):
        raise ValidationError(_("Choose feedback from this meeting only."))
    _refuse_names(meeting=meeting, fields={"introduction": introduction, "closing": closing})
    follow_up = FollowUp.objects.select_for_update().filter(meeting=meeting).first()
    if follow_up is None:
        follow_up = FollowUp(meeting=meeting, composed_by=by)
    elif follow_up.is_published:
        raise ValidationError(
            _("This follow-up was sent on %(date)s and can no longer be changed.")
            % {"date": date_format(timezone.localtime(follow_up.published_at), "d M Y")}
        )
    follow_up.introduction = introduction.strip()
    follow_up.closing = closing.strip()
    follow_up.composed_by = by
    follow_up.full_clean()
    follow_up.save()
    follow_up.feedback_items.set(items)
    return follow_up


def follow_up_preview(*, follow_up: FollowUp) -> dict:
    """What guests will read, built from the current feedback and actions."""

    return followup.build_content(
        meeting=follow_up.meeting, feedback_items=follow_up.feedback_items.all()
    )


@transaction.atomic
def follow_up_publish(*, follow_up: FollowUp, by: User) -> int:
    """Freeze the follow-up and queue one mail to each guest, through the outbox.

    Each guest gets it once, whatever happens: the delivery key is the meeting and the
    booking, so a second publish (a double click, a retry) queues nothing new. Records
    when it was published, for the dashboard's response rate. Returns the number of
    mails newly queued.
    """

    follow_up = (
        FollowUp.objects.select_for_update().select_related("meeting__region").get(pk=follow_up.pk)
    )
    meeting = follow_up.meeting
    if not followup.held(meeting):
        raise ValidationError(_("A follow-up can only be sent once the meeting has been held."))
    guests = list(followup.recipients(meeting))
    if follow_up.is_published:
        # Sent before, frozen, no longer editable: read it again with the register as it
        # is now before it reaches a guest added since (for nobody new it only hides
        # more of a text the first guests already have).
        followup.redact_frozen(follow_up=follow_up)
    else:
        if not guests:
            raise ValidationError(
                _(
                    "No guest can receive this follow-up: nobody who attended (or accepted) has "
                    "an email address and has not opted out."
                )
            )
        if not follow_up.feedback_items.exists() and not meeting.actions.exists():
            raise ValidationError(_("Choose at least one thing customers said before sending."))
        follow_up.content = followup.build_content(
            meeting=meeting, feedback_items=follow_up.feedback_items.all()
        )
        follow_up.published_at = timezone.now()
        follow_up.published_by = by
    follow_up_check_before_sending(follow_up=follow_up)
    mails_to_guests = []
    for booking in guests:
        subject, text_body, html_body = mails.follow_up(
            content=follow_up.content,
            introduction=follow_up.introduction,
            closing=follow_up.closing,
            greeting_name=booking.contact.name,
            # The guest's standing page: it stays current as the actions move.
            url=guest_page_url(booking),
            language=guest_language(contact=booking.contact, meeting=meeting),
        )
        mails_to_guests.append(
            OutboxMail(
                kind=OutboxMail.Kind.FOLLOW_UP,
                recipient=booking.contact.email,
                subject=subject[:300],
                text_body=text_body,
                html_body=html_body,
                # One per guest, ever: a guest who has it already is left alone.
                delivery_key=delivery_key("follow-up", meeting.pk, booking.pk),
                meeting=meeting,
            )
        )
    queued = outbox_enqueue_many(mails_to_guests)
    follow_up.recipients_count += queued
    follow_up.save()
    return queued
