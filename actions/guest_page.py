"""The guest's standing page: "you said, we did" as it is today, and the charter.

Each guest's signed link (invitations.tokens.guest_page_token) opens a page that is read
live: what was heard at their meeting (the feedback the leader chose for the
follow-up) and every action that came from it, with its status and the day it was
done. It names nobody and no organisation: the content is built by
`followup.build_content`, which passes every text through the meeting's redactor, and
it shows nothing of the other guests. Before the follow-up is sent there is nothing to
read yet: the leader has not chosen what to tell.

From the same page a guest answers on the charter expectations heard at their meeting
(`heard_expectations`); how many organisations endorse each expectation reaches staff
only through `anonymity.suppression` (`actions.endorsements.endorsement_figures`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from feedback.redaction import meeting_redactor

from . import followup
from .models import Charter, CharterEndorsement, ExpectationLink, FollowUp
from .selectors import charter_current


def published_follow_up(meeting) -> FollowUp | None:
    return FollowUp.objects.filter(meeting=meeting, published_at__isnull=False).first()


def standing_content(*, follow_up: FollowUp) -> dict:
    """What was heard and what came of it, as it is now, in the active language."""
    content = followup.build_content(
        meeting=follow_up.meeting, feedback_items=follow_up.feedback_items.all()
    )
    return followup.present(content)


# --- Update mail: once, when everything from the meeting is closed ------------------------


def update_is_due(*, follow_up: FollowUp | None) -> bool:
    """The rule a guest would expect: the follow-up told them what we are working on;
    when the last of those actions closes (done, or decided against), they hear once
    how it ended. So: the follow-up was sent, the meeting has actions, every one of them
    is closed now, and when the follow-up was sent one of them was still open or did
    not exist yet (when all were closed already, the follow-up itself said how
    everything ended). Read from the follow-up's frozen content, not from clocks."""
    if follow_up is None or not follow_up.is_published:
        return False
    statuses = list(follow_up.meeting.actions.values_list("status", flat=True))
    if not statuses or any(s not in followup.CLOSED_STATUSES for s in statuses):
        return False
    content = follow_up.content
    told = [a for s in content.get("sections", ()) for e in s["entries"] for a in e["actions"]]
    told += content.get("other_actions", [])
    return len(statuses) > len(told) or any(
        a["status"] not in followup.CLOSED_STATUSES for a in told
    )


# --- The charter, for guests ----------------------------------------------------------------


@dataclass
class HeardExpectation:
    charter: Charter
    lineage: uuid.UUID
    text: str
    stance: str  # this guest's organisation's answer, "" when none
    suggestion: str

    @property
    def stance_label(self) -> str:
        return str(CharterEndorsement.Stance(self.stance).label) if self.stance else ""


def heard_expectations(*, booking) -> list[HeardExpectation]:
    """The charter expectations heard at the guest's meeting (placed on a charter by
    staff), as the charter says them now (its published version, else as placed), read
    by the meeting's redactor; with the answer the guest's organisation gave, if any."""
    meeting = booking.meeting
    links = (
        ExpectationLink.objects.filter(feedback_item__meeting=meeting, item__isnull=False)
        .select_related("item", "charter")
        .order_by("item__position", "pk")
    )
    chosen: dict[tuple[int, uuid.UUID], tuple[Charter, str]] = {}
    for link in links:
        chosen.setdefault((link.charter_id, link.item.lineage), (link.charter, link.item.text))
    if not chosen:
        return []
    current_text = {}
    for charter in {c.pk: c for c, _ in chosen.values()}.values():
        version = charter_current(charter)
        if version is not None:
            for item in version.items.all():
                current_text[(charter.pk, item.lineage)] = item.text
    answers = {}
    if booking.contact.organisation_id:
        answers = {
            (e.charter_id, e.lineage): e
            for e in CharterEndorsement.objects.filter(
                organisation_id=booking.contact.organisation_id,
                charter_id__in={c for c, _ in chosen},
            )
        }
    redact = meeting_redactor(meeting).redact
    result = []
    for key, (charter, text) in chosen.items():
        answer = answers.get(key)
        result.append(
            HeardExpectation(
                charter=charter,
                lineage=key[1],
                text=redact(current_text.get(key, text)),
                stance=answer.stance if answer else "",
                suggestion=answer.suggestion if answer else "",
            )
        )
    return result


def heard_lineages(*, booking) -> set[tuple[int, uuid.UUID]]:
    return {(h.charter.pk, h.lineage) for h in heard_expectations(booking=booking)}
