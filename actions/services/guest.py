"""Writes from the guest's standing page, and the one update mail it announces."""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.redaction import meeting_redactor
from invitations.tokens import guest_page_url
from meetings.language import guest_language
from outbox.keys import delivery_key
from outbox.models import OutboxMail
from outbox.services import outbox_enqueue

from .. import followup, guest_page, mails
from ..models import Charter, CharterEndorsement, FollowUp
from ..rules import guest_may_endorse


@transaction.atomic
def charter_endorse(
    *, booking, charter: Charter, lineage: uuid.UUID, stance: str, suggestion: str = ""
) -> CharterEndorsement:
    """Record a guest's answer on one charter expectation heard at their meeting, for
    their organisation: one answer per organisation and expectation, the latest wins.

    Never stores unredacted text: a suggestion passes through the one redactor (a name in
    it is replaced, like everywhere else). Refused, with a message the guest can act on,
    when the guest may not answer (actions.rules.guest_may_endorse) or the expectation
    was not heard at their meeting.
    """
    if not guest_may_endorse(booking, now=timezone.now()):
        raise ValidationError(
            _("Only guests of a customer organisation who took part can answer here.")
        )
    if (charter.pk, lineage) not in guest_page.heard_lineages(booking=booking):
        raise ValidationError(_("This expectation was not heard at your meeting."))
    if stance not in CharterEndorsement.Stance.values:
        raise ValidationError({"stance": _("Choose agree, disagree or suggest a change.")})
    suggestion = meeting_redactor(booking.meeting).redact(suggestion.strip())
    if stance == CharterEndorsement.Stance.SUGGEST and not suggestion:
        raise ValidationError({"suggestion": _("Write the change you suggest.")})
    if stance != CharterEndorsement.Stance.SUGGEST:
        suggestion = ""
    endorsement, _created = CharterEndorsement.objects.update_or_create(
        charter=charter,
        lineage=lineage,
        organisation_id=booking.contact.organisation_id,
        defaults={"stance": stance, "suggestion": suggestion},
    )
    return endorsement


def follow_up_update_send(*, meeting) -> int:
    """When everything from a meeting is closed, tell each guest once (the rule:
    `guest_page.update_is_due`). Only guests who were sent the follow-up, who are still
    reachable (not erased, not opted out), get it; the delivery key (meeting, booking,
    "update") makes every later trigger, retry or reopening-and-closing a no-op.
    Returns the number of mails newly queued."""
    follow_up = guest_page.published_follow_up(meeting)
    if not guest_page.update_is_due(follow_up=follow_up):
        return 0
    guests = list(followup.recipients(meeting))
    told = set(
        OutboxMail.objects.filter(
            delivery_key__in=[delivery_key("follow-up", meeting.pk, b.pk) for b in guests]
        ).values_list("delivery_key", flat=True)
    )
    queued = 0
    for booking in guests:
        if delivery_key("follow-up", meeting.pk, booking.pk) not in told:
            continue
        queued += _send_update(follow_up=follow_up, booking=booking)
    return queued


def _send_update(*, follow_up: FollowUp, booking) -> int:
    meeting = follow_up.meeting
    subject, text_body, html_body = mails.follow_up_update(
        follow_up=follow_up,
        greeting_name=booking.contact.name,
        url=guest_page_url(booking),
        language=guest_language(contact=booking.contact, meeting=meeting),
    )
    mail = outbox_enqueue(
        kind=OutboxMail.Kind.FOLLOW_UP,
        recipient=booking.contact.email,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        delivery_key=delivery_key("follow-up", meeting.pk, booking.pk, "update"),
        meeting=meeting,
    )
    return int(mail.created)
