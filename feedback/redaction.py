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

import re
import threading
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field

import phonenumbers
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
    key,
    organisation_variants,
    person_variants,
    select,
)

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

_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Disguised addresses: "a [at] b [dot] com", "a(at)b.com", "a {at} b (dot) co (dot) uk",
# "a @ b . com"; and, spelled out without brackets, "a at b dot com" (the "dot" is
# required, so that "we looked at costs" stays).
_OPEN, _CLOSE = r"[\[\(\{<]", r"[\]\)\}>]"
_AT = rf"(?:\s*{_OPEN}\s*(?:at|@)\s*{_CLOSE}\s*|\s*@\s*)"
_DOT = rf"(?:\s*{_OPEN}\s*(?:dot|\.)\s*{_CLOSE}\s*|\.)"
_OBFUSCATED_EMAIL_RE = re.compile(
    rf"(?<![\w.+-])[\w+'-]+(?:{_DOT}[\w+'-]+)*{_AT}[\w-]+(?:{_DOT}[\w-]+)+"
    r"|(?<![\w.+-])[\w.+'-]+(?:\s+dot\s+[\w+'-]+)*\s+at\s+[\w-]+(?:\s+dot\s+[\w-]+)+(?![\w-])",
    re.IGNORECASE,
)
# A title followed by up to three capitalised names. "Mr", "Mrs", "Mx" in any case; the
# others only as titles are written ("Dr", "Miss", "Lord" …): "MS Teams" and "DR Site"
# (disaster recovery) are not people.
# German, French and Spanish titles too: "Frau Weiß", "Herr Dr. Koch", "Mme Lefèvre",
# "madame Dupont", "del señor García", "Sra. Núñez" (docs/i18n.md).
_TITLE = (
    r"(?:(?i:mrs|mr|mx|señora|señorita|señor|monsieur|madame|mademoiselle)"
    r"|Dr|Prof|Ms|Miss|MISS|Sir|SIR|Dame|DAME|Lady|LADY|Lord|LORD|Rev"
    r"|Herr|HERR|Frau|FRAU|Hr|Fr|Mme|Mlle|Sr|Sra|Srta|Dña|Doña)"
)
_NAME_WORD = r"[^\W\d_][\w'’-]*"
_HONORIFIC_RE = re.compile(
    rf"(?<![\w\[]){_TITLE}\.?(?:[ \t]+{_TITLE}\.?)?"  # "Herr Dr. Koch", "Mrs Dr Okafor"
    rf"[ \t]+(?P<names>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}})"
)
_POSSESSIVE_RE = re.compile(r"['’]s?")
_URL_RE = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"]+", re.IGNORECASE)
_TLDS = (
    "com|org|net|io|co|uk|de|fr|eu|gov|edu|info|biz|app|dev|ai|me|us|ca|au|nl|es|it|ch|se|no|"
    "dk|fi|ie|be|at|pl|pt|in|jp|cn|br|mx|nz|za|sg|hk|tv|ly|xyz|online|site|tech|cloud|example|"
    "shop|store|global|int|mil"
)
_DOMAIN_RE = re.compile(
    rf"(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_TLDS})(?![\w-])(?:/[^\s<>\"]*)?",
    re.IGNORECASE,
)
_TRAILING_PUNCTUATION = ".,;:!?)]}'\"’”"
# Fallbacks for numbers the phone library does not recognise as valid in the region.
_PHONE_FALLBACK_RE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)\d[\d\s().-]{5,}\d"  # international prefix
    r"|\(?0\d{2,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}"  # national, leading zero
    r"|\(0\d{1,4}\)\s?\d{3,}(?:[\s-]?\d{2,})*"  # national, area code in brackets
    r"|\(?\d(?:(?:[\s.-]|\)\s?|\s?\()?\d){8,}"  # nine digits or more, lightly separated
    r")(?!\w)"
)
_PHONE_SEPARATORS = r"[\s().+-]*"
_PHONE_PREFIX_LEFT_RE = re.compile(r"(?:\+|00)\d{1,3}[\s.-]*(?:\(0\)[\s.-]*)?\[phone\]")


@dataclass(frozen=True)
class Participants:
    """What only one meeting's redactor knows: its participants, by category.

    `organisations` is for redactors built without the register (tests, tools); a
    meeting's redactor leaves it empty, since the register holds every organisation.
    """

    people: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    region: str = "GB"
    # Countries whose national formats are also looked for: the guests' organisations'.
    other_regions: tuple[str, ...] = ()


def _phone_digit_pattern(phone: str, region: str) -> str | None:
    """A participant's own number, however it is spaced, with or without the prefix."""
    try:
        parsed = phonenumbers.parse(phone, region)
        national = str(parsed.national_number)
    except phonenumbers.NumberParseException:
        national = re.sub(r"\D", "", phone)
    if len(national) < 6:
        return None
    return _PHONE_SEPARATORS.join(re.escape(d) for d in national)


def _titled_names(text: str):
    """(start, end, possessive) of each title with the capitalised names after it."""
    position = 0
    while (match := _HONORIFIC_RE.search(text, position)) is not None:
        end = match.start("names")
        for word in re.finditer(r"\S+", match.group("names")):
            if not word.group()[0].isupper():
                break
            end = match.start("names") + word.end()
        if end == match.start("names"):
            position = match.start("names")
            continue
        possessive = _POSSESSIVE_RE.search(text, end - 2, end)
        if possessive and possessive.end() == end and possessive.start() > match.start("names"):
            end = possessive.start()
        yield match.start(), end
        position = end


def _redact_titled_names(text: str) -> str:
    pieces: list[str] = []
    last = 0
    for start, end in _titled_names(text):
        pieces += [text[last:start], PERSON]
        last = end
    return "".join(pieces) + text[last:] if pieces else text


@dataclass
class Redactor:
    """Removes everyone the product knows, and any personal data, from free text.

    `participants` are one meeting's people (their single names matched in any case);
    `register` is the whole register (`register_matcher`): with it, every contact, staff
    user and organisation goes, whether or not they had anything to do with the meeting.
    """

    participants: Participants
    register: NameMatcher | None = None
    _own: NameMatcher = field(init=False)
    _own_phones: re.Pattern | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self._own = NameMatcher(
            people=self.participants.people, organisations=self.participants.organisations
        )
        phones = [
            p
            for p in (
                _phone_digit_pattern(raw, self.participants.region)
                for raw in self.participants.phones
            )
            if p
        ]
        if phones:
            self._own_phones = re.compile(rf"(?<!\d)(?:{'|'.join(phones)})(?!\d)")
        self._emails = tuple(e.lower() for e in self.participants.emails if e)

    # -- the passes -------------------------------------------------------------------

    def redact(self, text: str) -> str:
        """Return `text` with every known name and piece of personal data replaced."""
        text = unicodedata.normalize("NFC", text)
        text = _EMAIL_RE.sub(EMAIL, text)
        text = _OBFUSCATED_EMAIL_RE.sub(EMAIL, text)
        if self._emails:
            lowered = text.lower()
            for email in self._emails:
                if email in lowered:
                    text = re.sub(re.escape(email), EMAIL, text, flags=re.IGNORECASE)
                    lowered = text.lower()
        text = _URL_RE.sub(_link_replacement, text)
        text = _DOMAIN_RE.sub(LINK, text)
        if sum(c.isdigit() for c in text) >= 6:
            text = self._redact_phones(text)
        text = _redact_titled_names(text)
        return self._redact_names(text)

    def find(self, text: str) -> list[str]:
        """The names, titles with names and email addresses `redact` would remove from
        `text`, as written there (for a message asking to remove them)."""
        text = unicodedata.normalize("NFC", text)
        found = [m.group() for m in _EMAIL_RE.finditer(text)]
        found += [m.group() for m in _OBFUSCATED_EMAIL_RE.finditer(text)]
        lowered = text.lower()
        found += [text[lowered.index(e) :][: len(e)] for e in self._emails if e in lowered]
        found += [text[start:end] for start, end in _titled_names(text)]
        found += [text[f.start : f.end] for f in self._names(text)]
        return sorted(set(found), key=str.lower)

    def _names(self, text: str):
        keyed, folded = key(text), fold(text)
        found = self._own.find(keyed, folded)
        if self.register is not None:
            found += self.register.find(keyed, folded)
        return select(found)

    def _redact_names(self, text: str) -> str:
        pieces: list[str] = []
        last = 0
        for found in self._names(text):
            pieces.append(text[last : found.start])
            pieces.append(found.marker)
            last = found.end
        if not pieces:
            return text
        pieces.append(text[last:])
        return "".join(pieces)

    def _redact_phones(self, text: str) -> str:
        regions = dict.fromkeys((self.participants.region, *self.participants.other_regions))
        for region in regions:
            spans = []
            try:
                for match in phonenumbers.PhoneNumberMatcher(text, region):
                    spans.append((match.start, match.end))
            except Exception:  # noqa: BLE001,S110 - the fallback below still runs
                pass
            for start, end in reversed(spans):
                text = text[:start] + PHONE + text[end:]
        text = _PHONE_FALLBACK_RE.sub(PHONE, text)
        if self._own_phones is not None:
            text = self._own_phones.sub(PHONE, text)
        # A country prefix left in front of a number found without it.
        return _PHONE_PREFIX_LEFT_RE.sub(PHONE, text)


def _link_replacement(match: re.Match) -> str:
    url = match.group()
    stripped = url.rstrip(_TRAILING_PUNCTUATION)
    return LINK + url[len(stripped) :]


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
