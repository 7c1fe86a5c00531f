"""A synthetic register for redaction figures: people and organisations from Faker in ten
locales (accents included), deterministic for a seed (Faker is pinned by factory-boy).

Used by `bench/bench_redaction.py` and by the over-redaction test
(`tests/feedback/test_register_corpus.py`).
"""

from __future__ import annotations

LOCALES = [
    "en_GB", "en_US", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "sv_SE", "pt_PT",
]  # fmt: skip


def synthetic_register(
    *, contacts: int, staff: int, organisations: int, seed: int = 18
) -> tuple[list[str], list[str], list[str]]:
    """(contact names, staff names, organisation names), organisation names unique."""
    from faker import Faker

    fake = Faker(LOCALES)
    fake.seed_instance(seed)
    people = [fake.name() for _ in range(contacts)]
    colleagues = [f"{fake.first_name()} {fake.last_name()}" for _ in range(staff)]
    names: dict[str, str] = {}
    while len(names) < organisations:
        name = fake.company()
        names.setdefault(name.lower(), name)
    return people, colleagues, list(names.values())
