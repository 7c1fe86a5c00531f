""" "You said, we did": what a follow-up says, and how guests open it.

A follow-up tells guests what was heard at a meeting and what was done about it. It
names nobody and no organisation: every text in it (the feedback chosen, the actions'
wording) passes through the one redactor (`feedback.redaction`), which knows the
meeting's people and everyone in the register, and the leader's own words are refused
when they contain a name (`names_in`). Before the mail goes out, every field of it
(`mail_fields`) is read once more (`actions.services.follow_up_check_before_sending`).
The mail greets each guest by their own name only; the web page a guest opens from the
signed link (which may be forwarded) says "Dear guest".
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext as _

from feedback.models import FeedbackItem
from feedback.redaction import Redactor, meeting_redactor
from meetings.models import CUSTOMER_FIRST_ORDER, Booking, Section

from .models import Action, FollowUp

SIGNING_SALT = "actions.follow_up"
# Kinds answered by default: what customers asked of us.
ANSWERED_KINDS = ("concern", "idea", "expectation", "question")
CLOSED_STATUSES = (Action.Status.DONE, Action.Status.WONT_DO)


def held(meeting) -> bool:
    """A follow-up is for a meeting that has taken place."""
    if meeting.status in (meeting.Status.HELD, meeting.Status.CLOSED):
        return True
    return meeting.status == meeting.Status.INVITED and meeting.ends_at <= timezone.now()


def recipients(meeting):
    """Bookings that receive the follow-up: guests who came (or accepted, when attendance
    was not recorded), with an address, not erased and not opted out."""

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


def meeting_label(meeting, redactor: Redactor | None = None) -> str:
    """How the follow-up names the meeting: by its own title, read by the redactor like
    the rest (a title that names a customer or a guest loses that name)."""
    return (redactor or meeting_redactor(meeting)).redact(meeting.title)


# A feedback kind inside a sentence ("You said (a concern): …"), in the reader's language.
KIND_IN_SENTENCE = {
    FeedbackItem.Kind.PRAISE: pgettext_lazy("feedback kind, inside a sentence", "praise"),
    FeedbackItem.Kind.CONCERN: pgettext_lazy("feedback kind, inside a sentence", "concern"),
    FeedbackItem.Kind.IDEA: pgettext_lazy("feedback kind, inside a sentence", "idea"),
    FeedbackItem.Kind.QUESTION: pgettext_lazy("feedback kind, inside a sentence", "question"),
    FeedbackItem.Kind.EXPECTATION: pgettext_lazy("feedback kind, inside a sentence", "expectation"),
}


def _kind_code(label: str) -> str | None:
    """The kind an English label stored by an older follow-up stands for."""
    with translation.override(None):  # the labels as written in the source: English
        by_label = {str(text).lower(): code for code, text in FeedbackItem.Kind.choices}
    return by_label.get(label.lower())


def present(content: dict) -> dict:
    """The stored content as guests read it, in the active language: each list of
    actions split into what we did (done, or decided against, with why) and what we are
    working on (open or in progress, with the month it is due); section names, kinds and
    months in the reader's words. Works on follow-ups stored before the split and before
    the stored language-neutral codes (their English labels are translated as they are)."""

    def action(entry: dict) -> dict:
        due = entry.get("due", "")
        if entry.get("due_date"):
            due = formats.date_format(dt.date.fromisoformat(entry["due_date"]), "YEAR_MONTH_FORMAT")
        done_on = ""
        if entry.get("done_on"):
            done_on = formats.date_format(dt.date.fromisoformat(entry["done_on"]), "DATE_FORMAT")
        return {**entry, "due": due, "done_on": done_on}

    def split(actions: list[dict]) -> dict:
        actions = [action(a) for a in actions]
        return {
            "did": [a for a in actions if a["status"] in ("done", "wont_do")],
            "working_on": [a for a in actions if a["status"] not in ("done", "wont_do")],
        }

    def kind(entry: dict) -> str:
        code = entry.get("kind_code") or _kind_code(str(entry.get("kind", "")))
        return str(KIND_IN_SENTENCE[code]) if code in KIND_IN_SENTENCE else entry.get("kind", "")

    def title(section: dict) -> str:
        if section.get("section") in Section.values:
            return str(Section(section["section"]).label)
        return gettext(section["title"])

    return {
        **content,
        "sections": [
            {
                **section,
                "title": title(section),
                "entries": [
                    {**entry, "kind": kind(entry), **split(entry.get("actions", []))}
                    for entry in section["entries"]
                ],
            }
            for section in content.get("sections", [])
        ],
        "others": split(content.get("other_actions", [])),
    }


def build_content(*, meeting, feedback_items) -> dict:
    """The follow-up's sections: chosen feedback grouped by agenda section in the
    customer-first order, each with the actions taken on it, then the meeting's other
    actions. Every text passes through the meeting's redactor. The labels stored are
    English, next to language-neutral codes (`section`, `kind_code`, `due_date`) from
    which `present` writes them in each guest's language."""
    with translation.override(None):  # the labels as written in the source: English
        return _build_content(meeting=meeting, feedback_items=feedback_items)


def _build_content(*, meeting, feedback_items) -> dict:
    redactor = meeting_redactor(meeting)
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
                    "kind": str(item.get_kind_display()),
                    "kind_code": item.kind,
                    "text": redactor.redact(item.text),
                    "actions": [_action_entry(a, redactor) for a in by_item.get(item.pk, [])],
                }
            )
        if entries:
            sections.append({"title": str(labels[section]), "section": section, "entries": entries})
    others = [
        _action_entry(a, redactor)
        for a in actions
        if a.feedback_item_id is None or a.feedback_item_id not in chosen_ids
    ]
    return {
        "meeting": meeting_label(meeting, redactor),
        "sections": sections,
        "other_actions": others,
    }


def _action_entry(action: Action, redactor: Redactor) -> dict:
    if action.status == Action.Status.DONE:
        said = redactor.redact(action.what_was_done) if action.what_was_done else ""
    elif action.status == Action.Status.WONT_DO:
        said = redactor.redact(action.status_reason)
    else:
        said = ""
    return {
        "title": redactor.redact(action.title),
        "status": action.status,
        "status_label": str(action.get_status_display()),
        "due": f"{action.due_date:%B %Y}",
        "due_date": action.due_date.isoformat(),
        "done_on": action.completed_on.isoformat() if action.completed_on else "",
        "said": said,
    }


def redact_frozen(*, follow_up: FollowUp) -> None:
    """Read a sent follow-up's frozen text again with the redactor as the register is now,
    before it goes to a guest added since: a name learnt after the first sending is
    removed (the text was already public to the first guests; removing more only hides
    more). Not saved here."""
    redact = meeting_redactor(follow_up.meeting).redact
    content = follow_up.content
    for entry in (e for section in content.get("sections", ()) for e in section["entries"]):
        entry["text"] = redact(entry["text"])
        for action in entry["actions"]:
            _redact_action_entry(action, redact)
    for action in content.get("other_actions", ()):
        _redact_action_entry(action, redact)
    follow_up.introduction = redact(follow_up.introduction)
    follow_up.closing = redact(follow_up.closing)


def _redact_action_entry(action: dict, redact) -> None:
    action["title"] = redact(action["title"])
    if action.get("said"):
        action["said"] = redact(action["said"])


def names_in(*, meeting, fields: dict[str, str]) -> dict[str, list[str]]:
    """The names (people, organisations, email addresses) each field still carries."""
    redactor = meeting_redactor(meeting)
    found = {name: redactor.find(text) for name, text in fields.items() if text}
    return {name: names for name, names in found.items() if names}


def mail_fields(*, content: dict, introduction: str, closing: str) -> dict[str, str]:
    """Every free text of a follow-up mail, by the name a leader knows the field by (the
    greeting, which carries the recipient's own name, is not free text)."""
    fields = {_("Introduction"): introduction, _("Closing"): closing}
    entries = [e for section in content.get("sections", ()) for e in section["entries"]]
    actions = [a for e in entries for a in e["actions"]] + list(content.get("other_actions", ()))
    for entry in entries:
        fields[_("What you said: “%(text)s”") % {"text": entry["text"][:60]}] = entry["text"]
    for action in actions:
        title = action["title"][:60]
        fields[_("Action “%(title)s”: title") % {"title": title}] = action["title"]
        if action.get("said"):
            label = (
                _("Action “%(title)s”: what was done")
                if action["status"] == Action.Status.DONE
                else _("Action “%(title)s”: reason")
            )
            fields[label % {"title": title}] = action["said"]
    return fields


def guest_token(*, follow_up: FollowUp, booking) -> str:
    return signing.dumps({"f": follow_up.pk, "b": booking.pk}, salt=SIGNING_SALT, compress=True)


def guest_url(*, follow_up: FollowUp, booking) -> str:
    token = guest_token(follow_up=follow_up, booking=booking)
    return settings.SITE_URL + reverse("actions:follow_up_public", args=[token])


def guest_from_token(token: str) -> Booking | None:
    """The booking a follow-up link was sent to (for the page's language), or None."""
    try:
        data = signing.loads(token, salt=SIGNING_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("b"), int):
        return None
    return Booking.objects.select_related("contact", "meeting").filter(pk=data["b"]).first()


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
