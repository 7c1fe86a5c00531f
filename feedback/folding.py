"""Folding text for the name matcher: accents stripped and apostrophes unified, one
character for one character, so a match in the folded text is replaced at the same
place in the original (moved out of feedback/names.py, #19)."""

from __future__ import annotations

import unicodedata

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


class _KeyTable(dict):
    """Folded and lower-cased, still one char for one char (the automaton's alphabet)."""

    def __missing__(self, code: int) -> int:
        folded = chr(code).translate(_FOLD)
        lower = folded.lower()
        self[code] = ord(lower if len(lower) == 1 else folded)
        return self[code]


_FOLD = _FoldTable()
_KEY = _KeyTable()


def fold(text: str) -> str:
    """Accent-free, apostrophe-unified text of the same length as `text`."""
    return text.translate(_FOLD)


def key(text: str) -> str:
    """How the matcher compares: folded, lower case, same length as `text`."""
    return text.translate(_KEY)
