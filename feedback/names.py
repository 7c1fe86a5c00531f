"""Known names and how they are found in free text: the matcher `feedback.redaction` uses.

A `NameMatcher` holds every spelling of a set of names (people and organisations) in one
Aho-Corasick automaton (`pyahocorasick`), so finding them costs one pass over the text
whatever their number: the whole register (tens of thousands of contacts, staff and
organisations) is matched as fast as one meeting's guests.

How strictly a spelling is matched is decided per name:
- **lax** (any case): multi-word names, and the single names of the meeting's own
  participants, unless they are ordinary words;
- **strict** (written with a capital, or in capitals in text that is not shouting, and
  not at the start of a sentence when the next word shows the ordinary word, "Will you"):
  single names that are ordinary words ("Will", "Grace", "Shell"), and every single name
  of someone *outside* the meeting — 22,000 people's first and last names include many
  ordinary words, and a facilitator writes a name with a capital;
- **guarded** (strict, and never at the start of a sentence): single names of people
  outside the meeting that are ordinary words ("Price is not the problem" keeps "Price").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from .folding import fold, key
from .name_words import (
    _TITLES_BEFORE_NAMES,
    COMMON_WORD_NAMES,
    DATE_WORDS,
    FUNCTION_WORDS,
    GENERIC_ORGANISATION_WORDS,
    GERMAN_NOUN_NAMES,
    HONORIFICS,
    LEGAL_SUFFIXES,
    MONTH_NAMES,
    NOT_NAMES_ALONE,
    looks_german,
)

PERSON = "[person]"
ORGANISATION = "[organisation]"
EMAIL = "[email]"
PHONE = "[phone]"
LINK = "[link]"
MARKERS = (PERSON, ORGANISATION, EMAIL, PHONE, LINK)


_MARKER_WORDS = frozenset(m.strip("[]") for m in MARKERS)


# -- the spellings of a name --------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    text: str
    marker: str
    strict: bool
    single: bool = False


def _clean_words(name: str) -> list[str]:
    words = [w.strip('.,;:()"') for w in fold(name).split()]
    return [w for w in words if w]


_GERMAN_SPELLING = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def _german_spelling(word: str) -> str:
    return word.translate(_GERMAN_SPELLING)


# Memoised: a rebuild after one change to the register reuses every other name's spellings.
@functools.lru_cache(maxsize=131_072)
def person_variants(name: str) -> tuple[Variant, ...]:
    """Full name, first and last name, each name alone, hyphen parts, apostrophe-free
    spelling. A title ("Dr", "Mrs") is not part of a name."""
    words = [w for w in _clean_words(name) if w.lower().rstrip(".") not in HONORIFICS]
    variants: list[Variant] = []
    if len(words) > 1:
        variants.append(Variant(" ".join(words), PERSON, strict=False))
        # First and last name, skipping middle names and initials.
        variants.append(Variant(f"{words[0]} {words[-1]}", PERSON, strict=False))
    singles: list[str] = []
    for word in words:
        singles.append(word)
        if "-" in word:
            singles.extend(part for part in word.split("-") if part)
        if "'" in word:
            singles.append(word.replace("'", ""))
    # German names as typed without umlauts or ß ("Mueller", "Weiss"); the accents
    # themselves are folded by the matcher ("Muller").
    typed = [w.strip('.,;:()"') for w in name.split()]
    typed = [w for w in typed if w and fold(w).lower().rstrip(".") not in HONORIFICS]
    german = [fold(_german_spelling(w)) for w in typed]
    if german != [fold(w) for w in typed]:
        if len(german) > 1:
            variants.append(Variant(" ".join(german), PERSON, strict=False))
        singles += [g for g, w in zip(german, typed, strict=True) if g != fold(w)]
    for word in singles:
        bare = word.strip("'-")
        if len(bare) < 2 or bare.lower() in NOT_NAMES_ALONE | FUNCTION_WORDS:
            continue  # initials, particles
        strict = bare.lower() in COMMON_WORD_NAMES or len(bare) <= 2
        variants.append(Variant(bare, PERSON, strict=strict, single=True))
    return tuple(variants)


@functools.lru_cache(maxsize=32_768)
def organisation_variants(name: str) -> tuple[Variant, ...]:
    """The name, without its legal suffix or leading "The", with & / and, and its
    distinctive first word."""
    words = _clean_words(name)
    if not words:
        return ()
    forms = [words]
    trimmed = list(words)
    while len(trimmed) > 1 and trimmed[-1].lower().strip(",") in LEGAL_SUFFIXES:
        trimmed = trimmed[:-1]
        forms.append(trimmed)  # "X Holdings Ltd" → "X Holdings" → "X"
    if trimmed and trimmed[0].lower() == "the" and len(trimmed) > 1:
        forms.append(trimmed[1:])
    forms.append(trimmed)
    if len(trimmed) > 1:
        first = trimmed[0].rstrip(",")
        generic = GENERIC_ORGANISATION_WORDS | NOT_NAMES_ALONE | FUNCTION_WORDS
        if first.lower() not in generic and len(first) >= 3:
            forms.append([first])
    variants: list[Variant] = []
    seen: set[str] = set()
    # As registered, punctuation included ("Pareto, Sibilia e Mondadori s.r.l.").
    written = " ".join(fold(name).split())
    if written != " ".join(words):
        variants.append(Variant(written, ORGANISATION, strict=False))
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
            variants.append(Variant(text, ORGANISATION, strict=strict, single=single))
    return tuple(variants)


# -- the matcher ----------------------------------------------------------------------------

# An automaton value: the spelling's length, then flags.
_ORG, _LAX, _GUARDED = 1, 2, 4
_FLAG_BITS = 3


@dataclass(frozen=True)
class Found:
    """A name found in a text: its span in the original text and its marker."""

    start: int
    end: int
    marker: str


class NameMatcher:
    """Every spelling of a set of names, found in one pass over a text.

    `people` are matched as a meeting's participants (their single names lax unless
    ordinary words) unless `outsiders` is set: then every single name is strict, and the
    ordinary-word ones are guarded (see the module docstring).
    """

    def __init__(
        self,
        *,
        people: Iterable[str] = (),
        organisations: Iterable[str] = (),
        outsiders: bool = False,
    ) -> None:
        spellings: dict[str, int] = {}
        for name in dict.fromkeys(organisations):
            whole_is_one_word = len(_clean_words(name)) == 1
            for variant in organisation_variants(name):
                # Outside a meeting, an organisation's first word alone ("Ball" of
                # "Ball & Sons Ltd") is written with a capital like a person's name.
                part = outsiders and variant.single and not whole_is_one_word
                self._add(
                    spellings,
                    variant,
                    guarded=(part and variant.text.lower() in COMMON_WORD_NAMES)
                    or (outsiders and variant.single and key(variant.text) in GERMAN_NOUN_NAMES),
                    force_strict=False,
                )
        for name in dict.fromkeys(people):
            for variant in person_variants(name):
                self._add(
                    spellings,
                    variant,
                    guarded=outsiders and variant.single and variant.strict,
                    force_strict=outsiders and variant.single,
                )
        self.size = len(spellings)
        self._automaton = None
        if spellings:
            automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
            for spelling, flags in spellings.items():
                automaton.add_word(spelling, (len(spelling) << _FLAG_BITS) | flags)
            automaton.make_automaton()
            self._automaton = automaton

    @staticmethod
    def _add(spellings: dict[str, int], variant: Variant, *, guarded: bool, force_strict: bool):
        spelling = " ".join(key(variant.text).split())
        if len(spelling) < 2 or spelling in _MARKER_WORDS:
            return
        lax = not (variant.strict or force_strict)
        flags = (_ORG if variant.marker == ORGANISATION else 0) | (_LAX if lax else 0)
        flags |= _GUARDED if guarded else 0
        old = spellings.get(spelling)
        if old is not None:
            # An organisation wins over a person; a spelling lax anywhere is lax; guarded
            # only when guarded everywhere.
            flags = (old | flags) & (_ORG | _LAX) | (old & flags & _GUARDED)
        spellings[spelling] = flags

    def find(self, keyed: str, folded: str) -> list[Found]:
        """Every name in the text (given as `key(text)` and `fold(text)`), overlapping
        ones included; `select` keeps the leftmost longest."""
        if self._automaton is None:
            return []
        found: list[Found] = []
        length = len(keyed)
        german = None  # decided once, for the first guarded name that needs it
        for last, value in self._automaton.iter(keyed):
            end = last + 1
            start = end - (value >> _FLAG_BITS)
            if start > 0:
                before = keyed[start - 1]
                if before.isalnum() or before in "_[":
                    continue
            marker = ORGANISATION if value & _ORG else PERSON
            reach = end
            if end < length:
                after = keyed[end]
                if _genitive_s(keyed, end, marker):
                    reach = end + 1  # "Müllers Team", "Annas Idee": the name with its s
                elif after.isalnum() or after in "_]":
                    continue
            guarded = bool(value & _GUARDED)
            if guarded and german is None and key(folded[start:end]) in GERMAN_NOUN_NAMES:
                german = looks_german(folded)
            if value & _LAX or _strict_accepts(
                folded, start, end, guarded=guarded, german=bool(german)
            ):
                found.append(Found(start, reach, marker))
        return found


def select(found: list[Found]) -> list[Found]:
    """Leftmost longest, without overlaps."""
    chosen: list[Found] = []
    reach = 0
    for item in sorted(found, key=lambda f: (f.start, -f.end)):
        if item.start >= reach:
            chosen.append(item)
            reach = item.end
    return chosen


_NEXT_WORD = re.compile(r"\s*([\w']+)")
_PREVIOUS_WORD = re.compile(r"([\w']+)\W*$")
_SENTENCE_OPENERS = ".!?:;\"'([“\n-"


def _genitive_s(keyed: str, end: int, marker: str) -> bool:
    """A person's name followed by the German (or apostrophe-less) possessive s:
    "Müllers Vorschlag", "Jans Team" (English "Jones's" and "Jones'" end at the
    apostrophe already)."""
    return (
        marker == PERSON
        and keyed[end] == "s"
        and (end + 1 == len(keyed) or not (keyed[end + 1].isalnum() or keyed[end + 1] == "_"))
    )


def _strict_accepts(
    folded: str, start: int, end: int, *, guarded: bool, german: bool = False
) -> bool:
    """Whether a strict spelling at folded[start:end] is the name, not the ordinary word."""
    word = folded[start:end]
    if not word[:1].isupper():
        return False
    head = folded[max(0, start - 40) : start].rstrip()
    if guarded and german and key(word) in GERMAN_NOUN_NAMES:
        previous = _PREVIOUS_WORD.search(head)
        return bool(previous) and previous.group(1).lower().rstrip(".") in _TITLES_BEFORE_NAMES
    tail = folded[end : end + 40]
    next_word = _NEXT_WORD.match(tail)
    next_text = next_word.group(1) if next_word else ""
    if word.isupper() and len(word) > 1:
        previous = _PREVIOUS_WORD.search(head)
        neighbours = [w for w in (previous.group(1) if previous else "", next_text) if w]
        # In shouted text, capitals say nothing about names.
        return not any(n.isupper() and len(n) > 1 for n in neighbours)
    if word.lower() in MONTH_NAMES:
        previous = _PREVIOUS_WORD.search(head)
        if (previous and previous.group(1).lower() in DATE_WORDS) or re.match(r"\s*\d", tail):
            return False
    sentence_start = start == 0 or not head or head[-1] in _SENTENCE_OPENERS
    if sentence_start and guarded:
        return False
    return not (sentence_start and next_text.lower() in FUNCTION_WORDS and not tail.startswith("'"))
