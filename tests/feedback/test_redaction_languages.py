"""The redactor on German, French and Spanish feedback: accents and case, the languages'
possessives and titles, and their ordinary words that are also names."""

import pytest

from feedback.names import NameMatcher
from feedback.redaction import Participants, Redactor


def meeting(*people, organisations=()):
    """A meeting's redactor: its participants' names are removed in any case."""
    return Redactor(Participants(people=people, organisations=tuple(organisations)))


def register(*people, organisations=()):
    """The register's redactor: people outside the meeting, matched as names are written."""
    matcher = NameMatcher(people=people, organisations=organisations, outsiders=True)
    return Redactor(Participants(), register=matcher)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # German: umlauts and ß as written, without them, in capitals; the genitive s.
        ("Müllers Vorschlag hat uns geholfen.", "[person] Vorschlag hat uns geholfen."),
        ("Herr Mueller hat recht.", "[person] hat recht."),
        ("MÜLLER hat angerufen, Frau Weiss auch.", "[person] hat angerufen, [person] auch."),
        ("Jürgen Müller und Claire Weiß kamen zu spät.", "[person] und [person] kamen zu spät."),
        ("Claire WEISS, jürgen müller", "[person], [person]"),
        ("Die Brauerei Kästner liefert zu spät.", "Die [organisation] liefert zu spät."),
        # French: elision and "de", accents in any case.
        ("L'idée d'Anne était bonne.", "L'idée d'[person] était bonne."),
        ("La proposition de Dupont nous a aidés.", "La proposition de [person] nous a aidés."),
        ("Selon Mme Lefèvre, HÉLÈNE LEFEVRE l’a dit.", "Selon [person], [person] l’a dit."),
        ("Monsieur Dupont et madame Lefèvre sont venus.", "[person] et [person] sont venus."),
        # Spanish: "del señor", accents, titles.
        ("La propuesta del señor García fue útil.", "La propuesta del [person] fue útil."),
        ("José GARCIA y la Sra. Núñez llegaron.", "[person] y la [person] llegaron."),
        ("Según Ana Nuñez, la entrega falló.", "Según [person], la entrega falló."),
    ],
)
def test_register_names_are_removed_in_german_french_and_spanish(text, expected):
    redactor = register(
        "Jürgen Müller",
        "Claire Weiß",
        "Anne Dupont",
        "Hélène Lefèvre",
        "José García",
        "Ana Núñez",
        organisations=["Brauerei Kästner GmbH"],
    )
    assert redactor.redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # German nouns that are also surnames of people outside the meeting.
        "Im Winter ist der Koch oft krank, und die Richter prüfen die Verträge.",
        "Der Meister unserer Werkstatt und die Fischer an der Küste brauchen Ersatzteile.",
        "Die Lieferung kam auch diesmal zu spät.",
        # French and Spanish ordinary words that are names somewhere.
        "Vos conseillers sont gentils, mais les gros fichiers échouent toujours.",
        "Le petit écran blanc reste noir au soleil.",
        "La luz roja del panel pide paz; el embalaje es demasiado grande.",
        "Ante una avería, la rosa del logotipo no sirve de nada.",
    ],
)
def test_ordinary_words_that_are_names_elsewhere_are_kept(text):
    redactor = register(
        "Petra Winter",
        "Hans Koch",
        "Eva Richter",
        "Ute Meister",
        "Anna Fischer",
        "Jan Vos",
        "Marc Gros",
        "Jean Petit",
        "Rose Blanc",
        "Luz Moreno",
        "Paz Romero",
        "Rosa Grande",
        "Ante Kovač",
        "Die Hard",
        organisations=["Schneider", "Auch AG", "Grande Logística SA"],
    )
    assert redactor.redact(text) == text


def test_a_german_noun_name_after_a_title_is_removed():
    redactor = register("Petra Winter", "Hans Koch")
    assert (
        redactor.redact("Im Winter hat uns Frau Winter geholfen, Herr Dr. Koch nicht.")
        == "Im Winter hat uns [person] geholfen, [person] nicht."
    )


def test_a_participant_called_winter_takes_the_word_with_them_in_german():
    """In the room, safety first: a participant's name goes even where it is a noun."""
    redactor = meeting("Petra Winter", "Hans Koch")
    assert (
        redactor.redact("Im Winter sagte Petra, der Koch habe Kochs Rezept geändert.")
        == "Im [person] sagte [person], der [person] habe [person] Rezept geändert."
    )


def test_participants_accents_and_case_in_any_language():
    redactor = meeting("Éloïse Lefèvre", "Ñuño Peña", "Björn Groß")
    assert (
        redactor.redact("ELOISE LEFEVRE, ñuño pena et bjoern gross ont parlé; éloïse aussi.")
        == "[person], [person] et [person] ont parlé; [person] aussi."
    )
