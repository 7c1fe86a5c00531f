"""The single redaction service: what was said may be kept, never who said it.

Every free text that is stored from a meeting or leaves the product towards customers or
executives passes through a `Redactor` first: captured feedback and its corrections, tags,
guests' own comments (`feedback.services`), actions' titles, descriptions and outcomes,
"you said, we did" texts, expectations placed on a charter and charter items
(`actions.services`). The redactor knows **everyone the product knows**: every contact
in the register (every region, booked or not, erased ones excepted: their names are
gone), every staff user and every organisation, kept in one Aho-Corasick automaton
(`feedback.names.NameMatcher`) that is rebuilt when the register changes
(`register_matcher`). A meeting's redactor adds what only that meeting knows: its
participants' single names in any case, their emails and phone numbers, its country's
phone formats (`meeting_redactor`).

Whoever it belongs to, it also removes a title followed by a capitalised name
("Mr Birch", "Dr. Okafor": both go, the title narrows who it was), email addresses
written plainly or disguised (`a [at] b [dot] com`, `a(at)b.com`), phone numbers
(the `phonenumbers` library plus a fallback) and links.

The register's freshness is one number, `feedback.RegisterVersion`, changed by database
triggers on any insert, delete or name change of a contact, user or organisation
(migration `feedback 0004`), whoever makes it (pages, services, the CSV import, the
admin, a shell). It is part of each meeting's fingerprint (`redaction_fingerprint`), which the
query that loads a meeting for capture reads with it (`feedback.selectors`), so a name
added anywhere is redacted in the very next item.

This is the only module in `feedback` that reads customer models: it reads names to
remove them.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from django.contrib.auth import get_user_model
from django.db.models import CharField, Count, F, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat, Length

from customers.models import Contact, Organisation
from meetings.models import Booking, Meeting

from .models import RegisterVersion
from .names import (
    COMMON_WORD_NAMES,
    EMAIL,
    HONORIFICS,
    LINK,
    MARKERS,
    ORGANISATION,
    PERSON,
    PHONE,
    NameMatcher,
    fold,
    organisation_variants,
    person_variants,
)
from .redactor import Participants, Redactor

__all__ = [
    "COMMON_WORD_NAMES",
    "EMAIL",
    "HONORIFICS",
    "LINK",
    "MARKERS",
    "ORGANISATION",
    "PERSON",
    "PHONE",
    "NameMatcher",
    "Participants",
    "Redactor",
    "fold",
    "meeting_redactor",
    "organisation_variants",
    "person_variants",
    "register_redactor",
]


# -- the register: everyone the product knows ------------------------------------------------

_register: tuple[str, NameMatcher] | None = None
_register_lock = threading.Lock()


def _as_text(expression) -> Coalesce:
    return Coalesce(Cast(expression, CharField()), Value(""))


def _register_version_expression() -> Subquery:
    return Subquery(RegisterVersion.objects.filter(pk=1).values("number")[:1])


def register_version() -> str:
    """The register's version (one query): changes whenever a contact, a user or an
    organisation is added, removed or renamed (database triggers, migration 0004)."""
    number = RegisterVersion.objects.filter(pk=1).values_list("number", flat=True).first()
    return "" if number is None else str(number)


def register_names() -> tuple[list[str], list[str]]:
    """Every person (contacts not erased, every user) and every organisation."""

    people = list(Contact.objects.filter(erased_at__isnull=True).values_list("name", flat=True))
    for first, last in get_user_model().objects.values_list("first_name", "last_name"):
        people.append(f"{first} {last}".strip())
    organisations = list(Organisation.objects.values_list("name", flat=True))
    return [p for p in people if p], [o for o in organisations if o]


def register_matcher(version: str | None = None) -> NameMatcher:
    """The register's matcher for `version` (read when not given), rebuilt when it changed.

    The version is read before the names, so a matcher is never remembered under a
    version newer than what it knows.
    """
    global _register
    if version is None:
        version = register_version()
    current = _register
    if current is not None and current[0] == version:
        return current[1]
    with _register_lock:
        current = _register
        if current is not None and current[0] == version:
            return current[1]
        people, organisations = register_names()
        matcher = NameMatcher(people=people, organisations=organisations, outsiders=True)
        _register = (version, matcher)
        return matcher


def register_redactor() -> Redactor:
    """A redactor that knows the whole register, for free text outside a meeting's
    capture (actions, follow-ups, charters). One query to check the version."""
    return Redactor(Participants(), register=register_matcher())


# -- the per-meeting cache -------------------------------------------------------------

_CACHE_SIZE = 256
# Every change the fingerprint misses is a backstop case; the age limit bounds it.
_CACHE_MAX_AGE = 600.0
_cache: OrderedDict[int, tuple[str, float, Redactor]] = OrderedDict()
_cache_lock = threading.Lock()


def redaction_fingerprint() -> Concat:
    """A text that changes whenever anything a meeting's redactor knows changes, as an
    expression to annotate onto meetings.

    It starts with the register's version (everyone the product knows, see
    `register_version`), then the meeting's guests (how many, which contacts, their
    latest change), its people (owner, co-owners, facilitators, attendees: how many,
    which, the length of their names and addresses) and the meeting's own last change.
    Annotated onto the meeting in the query that loads it for capture
    (`feedback.selectors.meeting_for_capture`), so that the cached redactor can be
    trusted without another query.
    """
    guests = (
        Booking.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(
            fingerprint=Concat(
                _as_text(Count("pk")),
                Value(":"),
                _as_text(Sum("contact_id")),
                Value(":"),
                _as_text(Max("contact__updated_at")),
                output_field=CharField(),
            )
        )
        .values("fingerprint")[:1]
    )
    people = Q(pk=OuterRef("owner_id"))
    for relation in ("co_owners", "facilitators", "internal_attendees"):
        through = Meeting._meta.get_field(relation).remote_field.through
        people |= Q(
            pk__in=through.objects.filter(meeting_id=OuterRef(OuterRef("pk"))).values("user_id")
        )
    users = (
        get_user_model()
        .objects.filter(people)
        .order_by()
        .annotate(everyone=Value(1))
        .values("everyone")
        .annotate(
            fingerprint=Concat(
                _as_text(Count("pk")),
                Value(":"),
                _as_text(Sum("pk")),
                Value(":"),
                _as_text(Sum(Length("first_name") + Length("last_name") + Length("email"))),
                output_field=CharField(),
            )
        )
        .values("fingerprint")[:1]
    )
    return Concat(
        _as_text(_register_version_expression()),
        Value("|"),
        Coalesce(Subquery(guests), Value("")),
        Value("|"),
        Coalesce(Subquery(users), Value("")),
        Value("|"),
        _as_text(F("updated_at")),
        output_field=CharField(),
    )


def participants_for(meeting) -> Participants:
    """Read the meeting's own lists: guests, their contact details, internal users."""

    people: list[str] = []
    emails: list[str] = []
    phones: list[str] = []
    countries: list[str] = []
    contacts = Contact.objects.filter(bookings__meeting=meeting).values_list(
        "name", "email", "phone", "organisation__country"
    )
    for name, email, phone, country in contacts:
        people.append(name)
        emails.append(email)
        phones.append(phone)
        if country:  # front-line staff have no organisation, hence no country
            countries.append(str(country))
    users = {meeting.owner}
    for relation in (meeting.co_owners, meeting.facilitators, meeting.internal_attendees):
        users.update(relation.all())
    for user in users:
        people.append(user.get_full_name() or user.first_name or user.last_name)
        emails.append(user.email)
    return Participants(
        people=tuple(p for p in people if p),
        emails=tuple(e for e in emails if e),
        phones=tuple(p for p in phones if p),
        region=str(meeting.country or "GB"),
        other_regions=tuple(dict.fromkeys(c for c in countries if c)),
    )


def meeting_redactor(meeting, *, fingerprint: str | None = None) -> Redactor:
    """The meeting's redactor (the register plus the meeting's own lists), from the
    process cache when nothing it knows has changed.

    Pass the `fingerprint` annotated by `feedback.selectors` to avoid a query; without
    it one query computes it.
    """
    if fingerprint is None:
        fingerprint = getattr(meeting, "redaction_fingerprint", None)
    if fingerprint is None:
        fingerprint = (
            Meeting.objects.filter(pk=meeting.pk)
            .annotate(fp=redaction_fingerprint())
            .values_list("fp", flat=True)
            .get()
        )
    now = time.monotonic()
    with _cache_lock:
        cached = _cache.get(meeting.pk)
        if cached and cached[0] == fingerprint and now - cached[1] < _CACHE_MAX_AGE:
            _cache.move_to_end(meeting.pk)
            return cached[2]
    register = register_matcher(fingerprint.split("|", 1)[0])
    redactor = Redactor(participants_for(meeting), register=register)
    with _cache_lock:
        _cache[meeting.pk] = (fingerprint, now, redactor)
        _cache.move_to_end(meeting.pk)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return redactor


def clear_cache() -> None:
    """Forget every meeting's redactor and the register's matcher in this process (tests,
    after data loads)."""
    global _register
    with _cache_lock:
        _cache.clear()
    with _register_lock:
        _register = None
