"""The single redaction service: what was said may be kept, never who said it.

Every piece of feedback text passes through `Redactor.redact()` before it is stored
(see `feedback.services`). A redactor is built once per meeting from the meeting's own
lists (its guests, their contacts' emails and phones, the meeting's internal users and
the name of every customer organisation) and cached in the process until any of those
lists changes (`meeting_redactor`). Generic personal data — email addresses, phone
numbers (the `phonenumbers` library plus a fallback), links — is removed whoever it
belongs to.

Names that are also ordinary English words ("Will", "Mark", "Grace", "Shell") are
matched case-aware, so that a guest called Will does not wipe every "will": such a
name is removed when written with a capital letter (or in capitals in text that is not
itself shouting), except at the start of a sentence when the next word shows it is the
ordinary word ("Will you …", "Mark the …").

This is the only module in `feedback` that reads customer models: it reads names to
remove them.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

import phonenumbers

PERSON = "[person]"
ORGANISATION = "[organisation]"
EMAIL = "[email]"
PHONE = "[phone]"
LINK = "[link]"
MARKERS = (PERSON, ORGANISATION, EMAIL, PHONE, LINK)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Names that are also ordinary words: matched case-aware only (see module docstring).
COMMON_WORD_NAMES = _words(
    """
    will mark bill may june april august grace hope rose joy faith art frank sue pat don guy
    rich long young brown white green black gray grey king hill wood woods ford cook baker case
    price field page bell lane rice stone hunt ward dawn summer autumn amber ruby pearl ivy
    holly lily daisy heather violet iris crystal honey penny sandy rocky buck chase drew gene
    jack jean ken lance miles nick norm ray rob rod sky wade warren carter clay cross day dean
    fisher fox hall hart hawk hay knight lamb law little mason marsh moss oak park parker payne
    pool porter potter power reed rivers sharp short small snow spring steel strong swift wall
    walker waters well wells west east north south wise wolf best bond booth brook brooks bush
    chambers church crane dale dove fair finch flower flowers frost gold good graves hardy hale
    house hunter keen kind land lord love lucky major march mercy more new noble pike rock rush
    sage salt savage shepherd sterling street sweet tree true trust vale vine wing wren sunny
    sonny earl duke prince queen baron page bishop butler barber carpenter turner taylor miller
    singer dyer glass gardner gardener mills summers winter winters storm rain river lake bay
    marsh heath cliff glen dell forest forrest rowe rowan sparrow robin jay teal olive hazel
    willow basil sterling cash gay guest bright lovely chance angel bliss story faith unity
    liberty justice destiny harmony melody patience prudence charity constance felicity honor
    honour apple shell target orange next amazon oracle sage visa total vodafone boots argos
    tesco
    """
)

# After a capitalised common-word name at the start of a sentence, these words show the
# name is the ordinary word ("Will you …", "Mark the …", "May we …").
FUNCTION_WORDS = _words(
    """
    you we they it this that these those the a an there he she i our your my their his her its
    anyone someone everyone everybody somebody all any each every no not some
    us me him them up down out off away
    """
)

# Month names that are also first names: "in May", "since June", "May 2025" are dates.
MONTH_NAMES = _words("april may june july august march")
DATE_WORDS = _words(
    """
    in since until till by from before after of during next last early late mid this
    """
)

HONORIFICS = _words(
    """
    mr mrs ms miss mx dr prof sir dame lord lady rev
    """
)
LEGAL_SUFFIXES = _words(
    """
    ltd ltd. limited inc inc. incorporated llc llp plc gmbh ag sa s.a. sas sarl bv nv oy ab as
    a/s spa s.p.a. srl co co. corp corp. corporation company group holdings holding
    """
)
# First words of organisation names too generic to stand alone as a name.
GENERIC_ORGANISATION_WORDS = _words(
    """
    the global national international united first general royal british american european
    central north south east west northern southern eastern western city metro premier prime
    standard universal advanced applied digital smart green blue red new old great grand modern
    total national allied associated consolidated continental pacific atlantic
    """
)

_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
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


_LETTERS_WITHOUT_DECOMPOSITION = dict(zip("łŁøØđĐħĦıŀĿ", "lLoOdDhHilL", strict=True))


class _FoldTable(dict):
    """str.translate table: strip accents and unify apostrophes, one char for one char.

    Keeping the length unchanged lets matches found in the folded text be replaced at
    the same positions in the original.
    """

    def __missing__(self, code: int) -> int:
        char = chr(code)
        if char in "’‘ʼ`´":
            folded = "'"
        elif char in "‐‑‒–—":
            folded = "-"
        elif char in _LETTERS_WITHOUT_DECOMPOSITION:
            folded = _LETTERS_WITHOUT_DECOMPOSITION[char]
        elif char.isspace():
            folded = " "
        else:
            decomposed = unicodedata.normalize("NFD", char)
            base = decomposed[0]
            if len(decomposed) > 1 and all(unicodedata.combining(c) for c in decomposed[1:]):
                folded = base
            else:
                folded = char
        self[code] = ord(folded)
        return self[code]


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Accent-free, apostrophe-unified text of the same length as `text`."""
    return text.translate(_FOLD)


def _key(text: str) -> str:
    return " ".join(fold(text).lower().split())


@dataclass(frozen=True)
class Participants:
    """Everything a meeting's redactor must remove, by category."""

    people: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    region: str = "GB"
    # Countries whose national formats are also looked for: the guests' organisations'.
    other_regions: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Variant:
    text: str
    marker: str
    strict: bool


def _clean_words(name: str) -> list[str]:
    words = [w.strip('.,;:()"') for w in fold(name).split()]
    return [w for w in words if w]


def person_variants(name: str) -> list[_Variant]:
    """Full name, each name alone, hyphen parts, apostrophe-free spelling."""
    words = [w for w in _clean_words(name) if w.lower().rstrip(".") not in HONORIFICS]
    variants: list[_Variant] = []
    if len(words) > 1:
        variants.append(_Variant(" ".join(words), PERSON, strict=False))
        # First and last name, skipping middle names and initials.
        variants.append(_Variant(f"{words[0]} {words[-1]}", PERSON, strict=False))
    singles: list[str] = []
    for word in words:
        singles.append(word)
        if "-" in word:
            singles.extend(part for part in word.split("-") if part)
        if "'" in word:
            singles.append(word.replace("'", ""))
    for word in singles:
        bare = word.strip("'-")
        if len(bare) < 2:
            continue  # initials
        strict = bare.lower() in COMMON_WORD_NAMES or len(bare) <= 2
        variants.append(_Variant(bare, PERSON, strict=strict))
    return variants


def organisation_variants(name: str) -> list[_Variant]:
    """The name, without its legal suffix or leading "The", with & / and, and its
    distinctive first word."""
    words = _clean_words(name)
    if not words:
        return []
    forms = [words]
    trimmed = list(words)
    while len(trimmed) > 1 and trimmed[-1].lower().strip(",") in LEGAL_SUFFIXES:
        trimmed = trimmed[:-1]
        forms.append(trimmed)  # "X Holdings Ltd" → "X Holdings" → "X"
    if trimmed and trimmed[0].lower() == "the" and len(trimmed) > 1:
        forms.append(trimmed[1:])
    forms.append(trimmed)
    if len(trimmed) > 1:
        first = trimmed[0]
        if first.lower() not in GENERIC_ORGANISATION_WORDS and len(first) >= 3:
            forms.append([first])
    variants: list[_Variant] = []
    seen: set[str] = set()
    for form in forms:
        texts = [" ".join(form)]
        if "&" in form:
            texts.append(" ".join("and" if w == "&" else w for w in form))
        if "and" in (w.lower() for w in form):
            texts.append(" ".join("&" if w.lower() == "and" else w for w in form))
        for text in texts:
            text = text.strip(",")
            if text.lower() in seen or len(text) < 2:
                continue
            seen.add(text.lower())
            single = " " not in text
            strict = single and (text.lower() in COMMON_WORD_NAMES or len(text) <= 2)
            variants.append(_Variant(text, ORGANISATION, strict=strict))
    return variants


def _char_pattern(char: str) -> str:
    if char == " ":
        return r"\s+"
    return re.escape(char)


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex alternation factored as a trie: fast with thousands of names, and it
    prefers the longest name at each position."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [_char_pattern(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return emit(trie)


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


@dataclass
class Redactor:
    """Removes one meeting's participants and any personal data from free text."""

    participants: Participants
    _lax: re.Pattern | None = field(init=False, default=None)
    _strict: re.Pattern | None = field(init=False, default=None)
    _own_phones: re.Pattern | None = field(init=False, default=None)
    _markers: dict[str, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        variants: list[_Variant] = []
        for name in self.participants.organisations:
            variants.extend(organisation_variants(name))
        for name in self.participants.people:
            variants.extend(person_variants(name))
        lax: set[str] = set()
        strict: set[str] = set()
        for variant in variants:
            key = _key(variant.text)
            # An organisation's name wins over a person's when both read the same.
            if key not in self._markers or variant.marker == ORGANISATION:
                self._markers[key] = variant.marker
            if variant.strict:
                for form in {variant.text, variant.text.capitalize(), variant.text.upper()}:
                    strict.add(form)
            else:
                lax.add(variant.text.lower())
        lax -= {m.strip("[]") for m in MARKERS}
        # A name that is lax anywhere (e.g. part of a multi-word name) is matched as lax.
        strict = {form for form in strict if form.lower() not in lax}
        if lax:
            self._lax = re.compile(
                rf"(?<![\w\[]){_trie_pattern(sorted(lax))}(?![\w\]])", re.IGNORECASE
            )
        if strict:
            self._strict = re.compile(rf"(?<![\w\[]){_trie_pattern(sorted(strict))}(?![\w\]])")
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
        """Return `text` with every participant and piece of personal data replaced."""
        text = unicodedata.normalize("NFC", text)
        text = _EMAIL_RE.sub(EMAIL, text)
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
        if self._lax is not None:
            text = self._sub(self._lax, text, self._lax_replacement)
        if self._strict is not None:
            text = self._sub(self._strict, text, self._strict_replacement)
        return text

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

    @staticmethod
    def _sub(pattern: re.Pattern, text: str, replacement) -> str:
        folded = fold(text)
        pieces: list[str] = []
        last = 0
        for match in pattern.finditer(folded):
            marker = replacement(match, folded)
            if marker is None:
                continue
            pieces.append(text[last : match.start()])
            pieces.append(marker)
            last = match.end()
        if not pieces:
            return text
        pieces.append(text[last:])
        return "".join(pieces)

    def _marker_for(self, matched: str) -> str:
        return self._markers.get(_key(matched), PERSON)

    def _lax_replacement(self, match: re.Match, folded: str) -> str:
        return self._marker_for(match.group())

    def _strict_replacement(self, match: re.Match, folded: str) -> str | None:
        word = match.group()
        before = folded[: match.start()].rstrip()
        after = folded[match.end() :]
        next_word = re.match(r"\s*([\w']+)", after)
        next_text = next_word.group(1) if next_word else ""
        if word.isupper() and len(word) > 1:
            previous = re.search(r"([\w']+)\W*$", before)
            neighbours = [w for w in (previous.group(1) if previous else "", next_text) if w]
            # In shouted text, capitals say nothing about names.
            if any(n.isupper() and len(n) > 1 for n in neighbours):
                return None
            return self._marker_for(word)
        if word.lower() in MONTH_NAMES:
            previous = re.search(r"([\w']+)\W*$", before)
            if (previous and previous.group(1).lower() in DATE_WORDS) or re.match(r"\s*\d", after):
                return None
        sentence_start = not before or before[-1] in ".!?:;\"'([“\n-"
        if sentence_start and next_text.lower() in FUNCTION_WORDS and not after.startswith("'"):
            return None
        return self._marker_for(word)


def _link_replacement(match: re.Match) -> str:
    url = match.group()
    stripped = url.rstrip(_TRAILING_PUNCTUATION)
    return LINK + url[len(stripped) :]


# -- the per-meeting cache -------------------------------------------------------------

_CACHE_SIZE = 256
# Renames of internal users are caught by the fingerprint; the age limit is a backstop.
_CACHE_MAX_AGE = 600.0
_cache: OrderedDict[int, tuple[str, float, Redactor]] = OrderedDict()
_cache_lock = threading.Lock()


def fingerprint_sql() -> str:
    """SQL for a text that changes whenever anything the meeting's redactor knows changes.

    Annotated onto the meeting in the same query that loads it for capture, so that the
    cached redactor can be trusted without another query.
    """
    from django.contrib.auth import get_user_model

    from customers.models import Contact, Organisation
    from meetings.models import Booking, Meeting

    meeting = Meeting._meta.db_table
    org = Organisation._meta.db_table
    contact = Contact._meta.db_table
    booking = Booking._meta.db_table
    user = get_user_model()._meta.db_table
    m2m = [
        Meeting._meta.get_field(n).remote_field.through._meta.db_table
        for n in ("co_owners", "facilitators", "internal_attendees")
    ]
    # Table names come from model metadata, never from input.
    # The meeting's people by their ids (its owner, co-owners, facilitators, attendees),
    # so that users are read through their primary key, however many there are.
    users_in = " UNION ALL ".join(
        [
            f'SELECT "{meeting}"."owner_id"',
            *(
                f'SELECT t.user_id FROM "{table}" t WHERE t.meeting_id = "{meeting}"."id"'  # noqa: S608
                for table in m2m
            ),
        ]
    )
    return (
        # Every organisation's name is redacted, so any organisation added (the highest id)
        # or renamed (the latest change) changes this. Both maxima are read from indexes,
        # whatever the number of organisations. A deleted one is not noticed: its name stays
        # redacted until the redactor is rebuilt, which removes too much, never too little.
        f"(SELECT COALESCE(CAST(MAX(o.id) AS TEXT), '') || ':' || COALESCE(CAST(MAX(o.updated_at) AS TEXT), '')"  # noqa: S608
        f' FROM "{org}" o)'
        f" || '|' || "
        f"(SELECT CAST(COUNT(*) AS TEXT) || ':' || CAST(COALESCE(SUM(c.id), 0) AS TEXT) || ':'"
        f" || COALESCE(CAST(MAX(c.updated_at) AS TEXT), '')"
        f' FROM "{booking}" b JOIN "{contact}" c ON c.id = b.contact_id'
        f' WHERE b.meeting_id = "{meeting}"."id")'
        f" || '|' || "
        f"(SELECT CAST(COUNT(*) AS TEXT) || ':' || CAST(COALESCE(SUM(u.id), 0) AS TEXT) || ':'"
        f" || CAST(COALESCE(SUM(LENGTH(u.first_name) + LENGTH(u.last_name) + LENGTH(u.email)), 0) AS TEXT)"
        f' FROM "{user}" u WHERE u.id IN ({users_in}))'
        f' || \'|\' || CAST("{meeting}"."updated_at" AS TEXT)'  # noqa: S608 - no input
    )


def participants_for(meeting) -> Participants:
    """Read the meeting's lists: guests, their contacts, internal users, every organisation."""
    from customers.models import Contact, Organisation

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
        countries.append(str(country))
    users = {meeting.owner}
    for relation in (meeting.co_owners, meeting.facilitators, meeting.internal_attendees):
        users.update(relation.all())
    for user in users:
        people.append(user.get_full_name() or user.first_name or user.last_name)
        emails.append(user.email)
    organisations = tuple(Organisation.objects.values_list("name", flat=True))
    return Participants(
        people=tuple(p for p in people if p),
        organisations=organisations,
        emails=tuple(e for e in emails if e),
        phones=tuple(p for p in phones if p),
        region=str(meeting.country or "GB"),
        other_regions=tuple(dict.fromkeys(c for c in countries if c)),
    )


def meeting_redactor(meeting, *, fingerprint: str | None = None) -> Redactor:
    """The meeting's redactor, from the process cache when its lists have not changed.

    Pass the `fingerprint` annotated by `feedback.selectors` to avoid a query; without
    it one query computes it.
    """
    if fingerprint is None:
        fingerprint = getattr(meeting, "redaction_fingerprint", None)
    if fingerprint is None:
        from django.db.models.expressions import RawSQL

        from meetings.models import Meeting

        fingerprint = (
            Meeting.objects.filter(pk=meeting.pk)
            .annotate(fp=RawSQL(fingerprint_sql(), ()))  # noqa: S611 - no input in it
            .values_list("fp", flat=True)
            .get()
        )
    now = time.monotonic()
    with _cache_lock:
        cached = _cache.get(meeting.pk)
        if cached and cached[0] == fingerprint and now - cached[1] < _CACHE_MAX_AGE:
            _cache.move_to_end(meeting.pk)
            return cached[2]
    redactor = Redactor(participants_for(meeting))
    with _cache_lock:
        _cache[meeting.pk] = (fingerprint, now, redactor)
        _cache.move_to_end(meeting.pk)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return redactor


def cached_redactor(meeting_id: int) -> tuple[str, Redactor] | None:
    """The meeting's cached redactor and the fingerprint it was built for, without a query.

    Not proof that it is current: a caller that uses it must check, in the same statement
    that stores text, that the meeting's fingerprint is still this one (as
    `feedback.services.feedback_capture_quick` does) and fall back to `meeting_redactor`
    when it is not.
    """
    now = time.monotonic()
    with _cache_lock:
        cached = _cache.get(meeting_id)
        if cached is None or now - cached[1] >= _CACHE_MAX_AGE:
            return None
        _cache.move_to_end(meeting_id)
        return cached[0], cached[2]


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
