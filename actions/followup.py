""" "You said, we did": what a follow-up says, and how guests open it.

A follow-up tells guests what was heard at a meeting and what was done about it. It
names nobody and no organisation: feedback text is already redacted when captured,
the actions' wording is scrubbed of every customer organisation, every guest's name
and the names of the staff involved, and the leader's own words are refused when they
contain one. The mail greets each guest by their own name only; the web page a guest
opens from the signed link (which may be forwarded) says "Dear guest".
"""

import re

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from meetings.models import CUSTOMER_FIRST_ORDER, Section

from .models import Action, FollowUp

SIGNING_SALT = "actions.follow_up"
PLACEHOLDER = "[removed]"
# Kinds answered by default: what customers asked of us.
ANSWERED_KINDS = ("concern", "idea", "expectation", "question")


def held(meeting) -> bool:
    """A follow-up is for a meeting that has taken place."""
    if meeting.status in (meeting.Status.HELD, meeting.Status.CLOSED):
        return True
    return meeting.status == meeting.Status.INVITED and meeting.ends_at <= timezone.now()


def recipients(meeting):
    """Bookings that receive the follow-up: guests who came (or accepted, when attendance
    was not recorded), with an address, not erased and not opted out."""
    from django.db.models import Q

    return (
        meeting.bookings.filter(
            Q(attended=True) | Q(attended__isnull=True, rsvp="accepted"),
            contact__erased_at__isnull=True,
            contact__opted_out_at__isnull=True,
        )
        .exclude(contact__email="")
        .select_related("contact")
        .order_by("pk")
    )


def identifiers_for(meeting) -> list[str]:
    """Every name a follow-up must not carry: all customer organisations, the meeting's
    guests (full names and each part of them) and the internal people involved."""
    from customers.models import Organisation

    names: set[str] = set(Organisation.objects.values_list("name", flat=True))
    people = [b.contact.name for b in meeting.bookings.select_related("contact")]
    staff = [meeting.owner, *meeting.co_owners.all(), *meeting.facilitators.all()]
    staff += [a.owner for a in Action.objects.filter(meeting=meeting).select_related("owner")]
    for user in staff:
        people.extend([user.get_full_name(), user.first_name, user.last_name, user.username])
    for person in people:
        if not person:
            continue
        names.add(person)
        names.update(part for part in re.split(r"[\s\-]+", person) if len(part) >= 3)
    names.discard("")
    return sorted(names, key=len, reverse=True)


def _pattern(identifiers: list[str]) -> re.Pattern | None:
    if not identifiers:
        return None
    alternatives = "|".join(re.escape(name) for name in identifiers)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def find_identifiers(text: str, identifiers: list[str]) -> list[str]:
    found = EMAIL.findall(text)
    pattern = _pattern(identifiers)
    if pattern is not None:
        found += pattern.findall(text)
    return sorted(set(found), key=str.lower)


def scrub(text: str, identifiers: list[str]) -> str:
    text = EMAIL.sub(PLACEHOLDER, text)
    pattern = _pattern(identifiers)
    return pattern.sub(PLACEHOLDER, text) if pattern is not None else text


def meeting_label(meeting, identifiers: list[str] | None = None) -> str:
    """How the follow-up names the meeting: by its own title, scrubbed like the rest (a
    title that names a customer or a guest loses that name)."""
    if identifiers is None:
        identifiers = identifiers_for(meeting)
    return scrub(meeting.title, identifiers)


def present(content: dict) -> dict:
    """The stored content as guests read it: each list of actions split into what we
    did (done, or decided against, with why) and what we are working on (open or in
    progress, with the month it is due). Works on follow-ups stored before the split."""

    def split(actions: list[dict]) -> dict:
        return {
            "did": [a for a in actions if a["status"] in ("done", "wont_do")],
            "working_on": [a for a in actions if a["status"] not in ("done", "wont_do")],
        }

    return {
        **content,
        "sections": [
            {
                **section,
                "entries": [
                    {**entry, **split(entry.get("actions", []))} for entry in section["entries"]
                ],
            }
            for section in content.get("sections", [])
        ],
        "others": split(content.get("other_actions", [])),
    }


def build_content(*, meeting, feedback_items) -> dict:
    """The follow-up's sections: chosen feedback grouped by agenda section in the
    customer-first order, each with the actions taken on it, then the meeting's other
    actions. Everything passes through `scrub`."""
    identifiers = identifiers_for(meeting)
    actions = list(Action.objects.filter(meeting=meeting).order_by("due_date", "pk"))
    by_item: dict[int, list[Action]] = {}
    for action in actions:
        if action.feedback_item_id:
            by_item.setdefault(action.feedback_item_id, []).append(action)
    chosen_ids = set()
    sections = []
    labels = dict(Section.choices)
    chosen = sorted(feedback_items, key=lambda i: i.number)
    for section in CUSTOMER_FIRST_ORDER:
        entries = []
        for item in chosen:
            if item.section != section:
                continue
            chosen_ids.add(item.pk)
            entries.append(
                {
                    "kind": item.get_kind_display(),
                    "text": scrub(item.text, identifiers),
                    "actions": [_action_entry(a, identifiers) for a in by_item.get(item.pk, [])],
                }
            )
        if entries:
            sections.append({"title": labels[section], "entries": entries})
    others = [
        _action_entry(a, identifiers)
        for a in actions
        if a.feedback_item_id is None or a.feedback_item_id not in chosen_ids
    ]
    return {
        "meeting": meeting_label(meeting, identifiers),
        "sections": sections,
        "other_actions": others,
    }


def _action_entry(action: Action, identifiers: list[str]) -> dict:
    if action.status == Action.Status.DONE:
        said = scrub(action.what_was_done, identifiers) if action.what_was_done else ""
    elif action.status == Action.Status.WONT_DO:
        said = scrub(action.status_reason, identifiers)
    else:
        said = ""
    return {
        "title": scrub(action.title, identifiers),
        "status": action.status,
        "status_label": action.get_status_display(),
        "due": f"{action.due_date:%B %Y}",
        "said": said,
    }


def guest_token(*, follow_up: FollowUp, booking) -> str:
    return signing.dumps({"f": follow_up.pk, "b": booking.pk}, salt=SIGNING_SALT, compress=True)


def guest_url(*, follow_up: FollowUp, booking) -> str:
    token = guest_token(follow_up=follow_up, booking=booking)
    return settings.SITE_URL + reverse("actions:follow_up_public", args=[token])


def follow_up_from_token(token: str) -> FollowUp | None:
    """The published follow-up a signed link opens, or None for a bad or stale link."""
    try:
        data = signing.loads(token, salt=SIGNING_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return (
        FollowUp.objects.filter(pk=data.get("f"), published_at__isnull=False)
        .filter(meeting__bookings__pk=data.get("b"))
        .first()
    )
