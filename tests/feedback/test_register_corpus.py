"""Over-redaction with a register of the size the product is built for: 20,000 contacts,
2,000 staff users and 5,000 organisations (Faker, ten locales, fixed seed), on top of a
meeting whose ten participants have names that are ordinary words."""

import re
from pathlib import Path

from bench.register_data import synthetic_register
from feedback.names import MARKERS, NameMatcher
from feedback.redaction import Participants, Redactor
from tests.feedback.test_redaction import COMMON_WORD_PEOPLE

CORPUS = Path(__file__).with_name("ordinary_sentences.txt")
MEETING_PEOPLE = (*COMMON_WORD_PEOPLE, "Priya Raman")


def test_a_large_register_loses_at_most_one_ordinary_word_in_a_hundred(capsys):
    people, staff, organisations = synthetic_register(
        contacts=20_000, staff=2_000, organisations=5_000
    )
    register = NameMatcher(people=people + staff, organisations=organisations, outsiders=True)
    redactor = Redactor(Participants(people=MEETING_PEOPLE), register=register)
    sentences = [line.strip() for line in CORPUS.read_text().splitlines() if line.strip()]
    words = sum(len(s.split()) for s in sentences)
    changed = [(s, redactor.redact(s)) for s in sentences]
    changed = [(s, out) for s, out in changed if out != s]
    lost = sum(out.count(m) for _s, out in changed for m in MARKERS)
    with capsys.disabled():
        print(
            f"\n[register corpus] {len(changed)}/{len(sentences)} sentences changed, {lost} of "
            f"{words} words replaced ({lost / words:.2%})"
        )
        for before, after in changed:
            print(f"[register corpus]   {before!r} -> {after!r}")
    assert lost / words <= 0.01
    # And the register's people are found: a full name, a title and surname, a possessive.
    person = people[123]
    surname = person.split()[-1]
    out = redactor.redact(f"{person} and Mrs {surname} said it; {surname}'s team agreed.")
    assert out == "[person] and [person] said it; [person]'s team agreed.", out
    assert not re.search(re.escape(surname), out)
