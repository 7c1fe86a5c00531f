"""The words of the themes: stop words per language, the domain's own words, the common
German, French and Spanish words read as one English subject, and a text's words as the
topics and the theme keywords see them (moved out of dashboard/themes.py, #19)."""

from __future__ import annotations

import functools
import re

from stop_words import get_stop_words

from feedback.models import FeedbackItem
from meetings.models import Meeting, Section

# Placeholders left by redaction and words that say nothing about a subject.
EXTRA_STOP_WORDS = {
    "redacted", "name", "organisation", "organization", "email", "phone", "person", "link",
    "company", "customer", "customers", "really", "just", "like", "think", "want",
    "need", "needs", "thing", "things", "lot", "bit", "good", "great", "bad", "way",
    "make", "makes", "time", "times", "use", "used", "ve", "don", "didn", "doesn", "isn",
    "wasn", "ll", "got", "get", "gets", "getting", "said", "say", "says", "feel", "feels",
    "team", "teams", "year", "years", "month", "months", "week", "weeks", "day", "days",
    "today", "still", "always", "never", "every", "much", "many", "also", "one", "two",
    "would", "could", "should", "us", "we", "our", "you", "your", "they", "their",
    "new", "old", "start", "starts", "later", "quickly", "constantly", "regularly", "place",
    "showing", "come", "comes", "arrive", "arrives", "thank", "thanks", "please", "lots",
    # Verbs and judgements name no subject: keep them out of keywords and theme names.
    "took", "take", "takes", "asked", "ask", "asks", "went", "go", "goes", "changed",
    "change", "shows", "show", "chasing", "chase", "save", "saves", "promised", "promise",
    "presented", "present", "shared", "share", "explain", "explains", "hearing", "hear",
    "working", "work", "invited", "best", "excellent", "wrong", "happy", "long", "simple",
    "clear", "big", "answered", "answering", "called", "call", "keep", "knows", "know",
    "passed", "solving", "solved", "stays", "warns", "walked", "thanked",
    "raising", "happens", "sides", "listened", "afterwards", "able", "sure", "serious",
}  # fmt: skip


# The same per language: words that name no subject in German, French and Spanish
# feedback (the function words come from the `stop-words` package, see `stop_words_for`).
EXTRA_STOP_WORDS_IN = {
    "de": {
        "kunde", "kunden", "firma", "unternehmen", "immer", "nie", "gut", "schlecht", "bitte",
        "danke", "jahr", "jahre", "monat", "monate", "woche", "wochen", "tag", "tage", "team",
        "teams", "wieder", "bekommen", "kommt", "kommen", "gibt", "geben", "sagen", "sagt",
        "brauchen", "braucht", "möchten", "wünschen", "neue", "neuen", "neu", "mal", "ganz",
    },
    "fr": {
        "client", "clients", "entreprise", "toujours", "jamais", "bien", "bon", "bonne", "merci",
        "année", "années", "mois", "semaine", "semaines", "jour", "jours", "équipe", "équipes",
        "encore", "vient", "arrive", "arrivent", "faut", "veut", "voulons", "besoin", "nouveau",
        "nouvelle", "nouveaux", "fois", "chez",
    },
    "es": {
        "cliente", "clientes", "empresa", "siempre", "nunca", "bien", "bueno", "buena", "gracias",
        "año", "años", "mes", "meses", "semana", "semanas", "día", "días", "equipo", "equipos",
        "otra", "vez", "llega", "llegan", "necesitamos", "queremos", "nuevo", "nueva",
        "nuevos", "ustedes",
    },
}  # fmt: skip
# The commonest subjects of customer feedback, said in German, French or Spanish (and in
# the English plural), read as one English word, so that "Rechnungen", "factures" and
# "invoices" are one topic. A glossary, not a translator: a subject missing here still
# makes a theme of its own per language (docs/i18n.md).
SUBJECT_WORDS = {
    "invoice": "invoices rechnung rechnungen facture factures factura facturas",
    "delivery": "deliveries lieferung lieferungen livraison livraisons entrega entregas",
    "order": "orders bestellung bestellungen commande commandes pedido pedidos",
    "price": "prices preis preise prix precio precios",
    "contract": "contracts vertrag verträge contrat contrats contrato contratos",
    "support": "kundendienst hotline assistance soporte",
    "portal": "portals portail portails bestellportal kundenportal",
    "password": "passwords passwort passwörter kennwort contraseña contraseñas",
    "warehouse": "warehouses lager entrepôt entrepôts almacén almacenes",
    "truck": "trucks lastwagen lkw camion camions camión camiones",
    "late": "spät verspätet verspätung retard tarde retraso",
    "training": "schulung schulungen formation formations formación",
    "quality": "qualität qualité calidad",
    "payment": "payments zahlung zahlungen paiement paiements pago pagos",
    "number": "numbers nummer bestellnummer numéro numéros número números",
    "wrong": "falsch falsche falschen mauvais mauvaise erreur equivocado equivocada",
    "packaging": "verpackung emballage embalaje",
    "parts": "ersatzteile teile pièces repuestos",
    "report": "reports bericht berichte rapport rapports informe informes",
    "update": "updates aktualisierung actualización",
    "waits": "wait waiting wartet warten attend attendre espera esperar",
    "reset": "zurückgesetzt réinitialisé réinitialiser restablece restablecer",
    "logout": "logs abmelden meldet déconnecte desconecta",
}
_SUBJECT_OF = {word: subject for subject, words in SUBJECT_WORDS.items() for word in words.split()}
# Feedback is in English, German, French or Spanish: each text loses the function words
# of its own language (docs/i18n.md), so that a topic is not a language ("der die und").
THEME_LANGUAGES = ("en", "de", "fr", "es")
_WORD_RE = re.compile(r"(?u)\b[^\W\d_][^\W\d_]{2,}\b")


def _label_words(*choices) -> set[str]:
    return {
        word
        for options in choices
        for _value, label in options
        for word in re.findall(r"[a-z]{3,}", str(label).lower())
    }


# The words of the domain itself: every item is said in a meeting, by or about customers,
# under an agenda section, as a kind of feedback. They are in every theme, so they name
# none ("Meeting", "Customer · operations"): never a keyword, a theme name or a tag theme.
DOMAIN_STOP_WORDS = _label_words(
    Section.choices, Meeting.Type.choices, Meeting.Kind.choices, FeedbackItem.Kind.choices
) | {
    "meeting", "meetings", "customer", "customers", "client", "clients", "guest", "guests",
    "agenda", "section", "sections", "feedback", "session", "sessions", "discussion",
    "discussed", "topic", "topics", "point", "points", "comment", "comments", "question",
    "questions", "issue", "issues", "leadership", "panel", "panels", "voice",
}  # fmt: skip
STOP_WORDS = EXTRA_STOP_WORDS | DOMAIN_STOP_WORDS


def is_domain_word(term: str) -> bool:
    """A keyword or tag made only of stop words of the domain (or common English)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # heavy: theme tasks only

    words = re.findall(r"[a-z]+", term.lower())
    return not words or all(w in STOP_WORDS or w in ENGLISH_STOP_WORDS for w in words)


@functools.cache
def stop_words_for(language: str) -> frozenset[str]:
    """The words a text in `language` loses before topics are fitted: English from
    scikit-learn, German, French and Spanish from the `stop-words` package, plus the
    subject-less words of every language (a German text may say "feedback", an English
    one "merci"); all lower case."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # heavy: theme tasks only

    extra = STOP_WORDS.union(*EXTRA_STOP_WORDS_IN.values())
    if language == "en":
        return frozenset(ENGLISH_STOP_WORDS) | extra
    return frozenset(w.lower() for w in get_stop_words(language)) | extra


def text_language(words: list[str]) -> str:
    """The language of THEME_LANGUAGES whose function words a text uses most (English on a
    tie): enough to choose its stop words, not a language detector."""
    counts = {  # map over the set's own membership test: a million texts a recompute
        language: sum(map(_function_words(language).__contains__, words))
        for language in THEME_LANGUAGES
    }
    best = max(counts.values())
    return "en" if counts["en"] == best else max(counts, key=counts.get)


@functools.cache
def _function_words(language: str) -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # heavy: theme tasks only

    if language == "en":
        return frozenset(ENGLISH_STOP_WORDS)
    return frozenset(w.lower() for w in get_stop_words(language))


def topic_words(text: str) -> list[str]:
    """A text's words for the topics: lower case, letters of any alphabet ("qualität",
    "réunion"), without the stop words of the text's own language, the commonest
    subjects read as one English word (SUBJECT_WORDS)."""
    words = _WORD_RE.findall(text.lower())
    stop = stop_words_for(text_language(words))
    return [_SUBJECT_OF.get(w, w) for w in words if w not in stop]


TOKEN_RE = re.compile(r"[a-z][a-z]{2,}")


def _words(text: str) -> set[str]:
    """A text's words, and the subject each common German, French or Spanish word stands
    for (SUBJECT_WORDS: "Rechnungen" is in a theme for "invoice")."""
    words = set(TOKEN_RE.findall(text.lower())) | set(_WORD_RE.findall(text.lower()))
    return words | {_SUBJECT_OF[w] for w in words if w in _SUBJECT_OF}


def _has(words: set[str], keyword: str) -> bool:
    """A keyword (a word or a word pair) is in a text when all its words are."""
    return all(part in words for part in keyword.split())


def theme_words(text: str, keywords: list[str]) -> list[str]:
    """The theme's keywords found in a text, as the text says them: the words that put it
    in the theme ("Rechnungen" for the keyword "invoice", "trucks" for "truck")."""
    said: dict[str, str] = {}
    for word in _WORD_RE.findall(text.lower()):
        said.setdefault(word, word)
        said.setdefault(_SUBJECT_OF.get(word, word), word)
    found = []
    for keyword in keywords[:10]:
        parts = [said.get(part) for part in keyword.split()]
        if all(parts):
            found.append(" ".join(parts))
    return found
