"""Over-redaction with a register of the size the product is built for: 20,000 contacts,
2,000 staff users and 5,000 organisations (Faker, ten locales, fixed seed), on top of a
meeting whose participants have names that are ordinary words — in English, and in
German, French and Spanish with participants whose names are ordinary words there."""

import functools
import re
from pathlib import Path

import pytest

from bench.register_data import synthetic_register
from feedback.names import MARKERS, NameMatcher
from feedback.redaction import Participants, Redactor
from tests.feedback.test_redaction import COMMON_WORD_PEOPLE

HERE = Path(__file__).parent
CORPORA = {
    "en": HERE / "ordinary_sentences.txt",
    "de": HERE / "ordinary_sentences_de.txt",
    "fr": HERE / "ordinary_sentences_fr.txt",
    "es": HERE / "ordinary_sentences_es.txt",
}
# Each language's meeting: people whose names are also words of that language.
MEETING_PEOPLE = {
    "en": (*COMMON_WORD_PEOPLE, "Priya Raman"),
    "de": ("Petra Winter", "Hans Koch", "Anna Fischer", "Jürgen Weiß", "Ute Klein", "Priya Raman"),
    "fr": ("Jean Petit", "Rose Blanc", "Pierre Boulanger", "Claire Fontaine", "Louis Marchand"),
    "es": ("Luz Moreno", "Paz Romero", "Rosa Delgado", "Pedro Blanco", "Dolores Vega"),
}
# At most one ordinary word in a hundred, in every language. German capitalises every
# noun: an outsider's name that is a German noun is taken alone only after a title in
# German text, but a participant called Winter or Koch still takes "Winter" and "Koch"
# with them, on purpose (docs/i18n.md).
CEILING = 0.01


@functools.cache
def register():
    people, staff, organisations = synthetic_register(
        contacts=20_000, staff=2_000, organisations=5_000
    )
    matcher = NameMatcher(people=people + staff, organisations=organisations, outsiders=True)
    return people, matcher


@pytest.mark.parametrize("language", CORPORA)
def test_a_large_register_loses_few_ordinary_words(capsys, language):
    people, matcher = register()
    redactor = Redactor(Participants(people=MEETING_PEOPLE[language]), register=matcher)
    sentences = [line.strip() for line in CORPORA[language].read_text().splitlines()]
    sentences = [s for s in sentences if s]
    words = sum(len(s.split()) for s in sentences)
    changed = [(s, redactor.redact(s)) for s in sentences]
    changed = [(s, out) for s, out in changed if out != s]
    lost = sum(out.count(m) for _s, out in changed for m in MARKERS)
    with capsys.disabled():
        print(
            f"\n[register corpus, {language}] {len(changed)}/{len(sentences)} sentences "
            f"changed, {lost} of {words} words replaced ({lost / words:.2%})"
        )
        for before, after in changed:
            print(f"[register corpus, {language}]   {before!r} -> {after!r}")
    assert lost / words <= CEILING


def test_the_registers_people_are_found():
    """A full name, a title and surname, a possessive."""
    people, matcher = register()
    redactor = Redactor(Participants(people=MEETING_PEOPLE["en"]), register=matcher)
    person = people[123]
    surname = person.split()[-1]
    out = redactor.redact(f"{person} and Mrs {surname} said it; {surname}'s team agreed.")
    assert out == "[person] and [person] said it; [person]'s team agreed.", out
    assert not re.search(re.escape(surname), out)
