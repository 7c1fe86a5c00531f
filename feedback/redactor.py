"""The `Redactor`: what removes names, email addresses, phone numbers and links from a
text, given the names it knows (a meeting's participants and the register's matcher).
Text only, nothing read from the database: `feedback.redaction` builds redactors
(`register_redactor`, `meeting_redactor`) and is where every caller gets one (moved out
of feedback/redaction.py, #19)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import phonenumbers

from .names import (
    EMAIL,
    LINK,
    PERSON,
    PHONE,
    NameMatcher,
    fold,
    key,
    select,
)

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
        if sum(map(str.isdigit, text)) >= 6:
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
