"""Themes: facilitator tags plus suggestions computed from the redacted texts.

Explainable by construction: a suggested theme is an NMF topic over TF-IDF weighted
words and word pairs; its keywords are the topic's heaviest terms, its size the number
of items whose strongest topic it is, its examples the items that weigh most on it.
Executives' renames and merges survive recomputation: a new topic takes over the
theme whose keywords it shares most (and a merged theme keeps pointing to its target).
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from stop_words import get_stop_words

from customers.models import Contact, Organisation
from feedback.models import FeedbackItem, Tag
from feedback.redaction import register_redactor
from meetings.models import Meeting, Section

from .bulk import insert_rows
from .models import CubeState, Highlight, Theme, ThemeItem

THEMES_LOCK = 80_09  # serialises two recomputations started at once
MIN_TAG_ITEMS = 3
MIN_TOPIC_ITEMS = 3
EXAMPLES_PER_THEME = 10
FIT_SAMPLE = 20_000
BATCH = 20_000
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
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = re.findall(r"[a-z]+", term.lower())
    return not words or all(w in STOP_WORDS or w in ENGLISH_STOP_WORDS for w in words)


SIMPLIFY_RE = re.compile(
    r"\b(simplif\w*|eliminat\w*|redundant|duplicat\w*|unnecessar\w*|paperwork|"
    r"re-?enter\w*|re-?key\w*|streamlin\w*|get rid of|cut out|drop the|stop (asking|sending)|"
    r"too many (steps|forms|emails|approvals|calls|portals|logins|reports|meetings)|"
    r"(twice|three times)|manual(ly)?)\b",
    re.IGNORECASE,
)
DREAM_RE = re.compile(
    r"\b(dream\w*|wish\w*|would love|we'?d love|love to (see|have)|ideal(ly)?|if only|"
    r"imagine|one day|magic|single (view|place|portal|advocate)|would be (great|amazing))\b",
    re.IGNORECASE,
)


def highlight_lists(*, text: str, kind: str) -> list[str]:
    """Which of the two question lists a redacted text answers (possibly both, or none)."""
    lists = []
    if kind != FeedbackItem.Kind.PRAISE and SIMPLIFY_RE.search(text):
        lists.append(Highlight.List.SIMPLIFY)
    is_idea = kind in (FeedbackItem.Kind.IDEA, FeedbackItem.Kind.EXPECTATION)
    if (is_idea and DREAM_RE.search(text)) or "dream" in text.lower():
        lists.append(Highlight.List.DREAM)
    return lists


HIGHLIGHT_DIMENSIONS = ("meeting_id", "month", "region_id", "country", "meeting_type",
                        "meeting_kind", "section", "kind", "sentiment", "stage_id")  # fmt: skip


def _dimension_rows():

    return (
        FeedbackItem.objects.order_by()
        .annotate(month=TruncMonth("meeting_date"))
        .values_list(
            "pk",
            "meeting_id",
            "month",
            "meeting__region_id",
            "meeting__country",
            "meeting__type",
            "meeting__kind",
            "section",
            "kind",
            "sentiment",
            "stage_id",
        )
    )


# The values `_dimension_rows` reads after the id: HIGHLIGHT_DIMENSIONS, as the item has them.
DIMENSION_FIELDS = ("meeting_id", "month", "meeting__region_id", "meeting__country",
                    "meeting__type", "meeting__kind", "section", "kind", "sentiment",
                    "stage_id")  # fmt: skip


def highlight_dimensions() -> dict[int, dict]:
    """Every item's filter dimensions, as Highlight stores them."""
    return {
        pk: dict(zip(HIGHLIGHT_DIMENSIONS, values, strict=True))
        for pk, *values in _dimension_rows().iterator(20_000)
    }


def _names_to_avoid() -> set[str]:

    names = set(Organisation.objects.values_list("name", flat=True))
    names |= set(Contact.objects.values_list("name", flat=True))
    return {n.lower() for n in names if len(n) >= 3}


def _names_someone(text: str, names: set[str]) -> bool:
    lowered = text.lower()
    return any(name in lowered or lowered in name for name in names)


def _topic_name(keywords: list[str]) -> str:
    """Two readable terms: word pairs first (they read as subjects), then single words."""
    keywords = [k for k in keywords if not is_domain_word(k)]
    top = keywords[:4]
    ordered = [w for w in top if " " in w] + [w for w in top if " " not in w] + keywords[4:8]
    chosen: list[str] = []
    for word in ordered:
        parts = set(word.split())
        if any(parts & set(c.split()) for c in chosen):
            continue
        chosen.append(word)
        if len(chosen) == 2:
            break
    return " · ".join(chosen).capitalize() if chosen else "Other"


@functools.cache
def stop_words_for(language: str) -> frozenset[str]:
    """The words a text in `language` loses before topics are fitted: English from
    scikit-learn, German, French and Spanish from the `stop-words` package, plus the
    subject-less words of every language (a German text may say "feedback", an English
    one "merci"); all lower case."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    extra = STOP_WORDS.union(*EXTRA_STOP_WORDS_IN.values())
    if language == "en":
        return frozenset(ENGLISH_STOP_WORDS) | extra
    return frozenset(w.lower() for w in get_stop_words(language)) | extra


def text_language(words: list[str]) -> str:
    """The language of THEME_LANGUAGES whose function words a text uses most (English on a
    tie): enough to choose its stop words, not a language detector."""
    counts = {
        language: sum(w in _function_words(language) for w in words) for language in THEME_LANGUAGES
    }
    best = max(counts.values())
    return "en" if counts["en"] == best else max(counts, key=counts.get)


@functools.cache
def _function_words(language: str) -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

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


def _fit_topics(texts: list[str]):
    """Fit TF-IDF + NMF on a sample; return (vectoriser, unit topic vectors, keywords per
    topic) or None when the texts hold too little."""
    if len(texts) < MIN_TOPIC_ITEMS * 2:
        return None
    # Lazy, not a cycle: scikit-learn and numpy take about a second and tens of MB to
    # import, which only the nightly theme task needs, never a web worker.
    import numpy as np
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        # Words and word pairs of what is left once each text lost its language's stop
        # words (as scikit-learn's own stop_words does, pairs skip the removed words).
        preprocessor=lambda text: " ".join(topic_words(text)),
        ngram_range=(1, 2),
        min_df=2,
        max_df=0.5,
        sublinear_tf=True,
        token_pattern=r"(?u)\S+",  # noqa: S106 - not a password; topic_words split already
        max_features=20_000,
        dtype=np.float32,
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # nothing left after stop words
        return None
    components = max(2, min(12, round((matrix.shape[0] / 2) ** 0.5), matrix.shape[1] // 3))
    if matrix.shape[1] < components:
        return None
    model = NMF(n_components=components, init="nndsvda", random_state=8, max_iter=400)
    model.fit(matrix)
    terms = vectorizer.get_feature_names_out()
    keywords = [
        [terms[i] for i in component.argsort()[::-1][:10] if component[i] > 0]
        for component in model.components_
    ]
    topics = model.components_.astype(np.float32)
    topics /= np.maximum(np.linalg.norm(topics, axis=1, keepdims=True), 1e-12)
    return vectorizer, topics, keywords


def _nearest_topics(fitted, texts: list[str]):
    """(topic, strength) per text: the topic vector nearest its TF-IDF vector (cosine;
    both are unit length). The sample's fit reaches every text this way, batch by
    batch, without NMF's iterative solve per text: what keeps a million items in time."""
    import numpy as np

    vectorizer, topics, _keywords = fitted
    scores = np.asarray(vectorizer.transform(texts) @ topics.T)
    best = scores.argmax(axis=1)
    return best, scores[np.arange(len(texts)), best]


# A new topic takes over an old theme when they share this share of their items
# (overlap / union) or of their first eight keywords.
SAME_ITEMS = 0.3
SAME_KEYWORDS = 0.4


def _topic_identities(keywords, item_ids, best, themes_by_key) -> list[str]:
    """The theme key each new topic continues: the old suggested theme it shares most
    items with (or, failing that, keywords), each old theme taken at most once, best
    pairs first; a topic that continues none gets a new key.

    `item_ids` (sorted) and `best` (their topic, -1 for none) are parallel arrays. So a
    theme keeps its identity — its key, an executive's name, its merges — when its
    content carries over, even when its keywords drift (issue #21: "Ordering catalogue ·
    partnership" became "Field engineers · ordering")."""
    import numpy as np

    suggested = {
        t.pk: t
        for t in themes_by_key.values()
        if t.origin == Theme.Origin.SUGGESTED and not t.merged_into_id
    }
    old = np.array(
        list(
            ThemeItem.objects.filter(theme_id__in=list(suggested))
            .values_list("item_id", "theme_id")
            .iterator(BATCH)
        ),
        dtype=np.int64,
    ).reshape(-1, 2)
    shared: Counter = Counter()
    if len(old) and len(item_ids):
        position = np.searchsorted(item_ids, old[:, 0]).clip(0, len(item_ids) - 1)
        present = item_ids[position] == old[:, 0]
        topic_of_old = best[position[present]]
        theme_of_old = old[present, 1]
        kept = topic_of_old >= 0
        shared = Counter(zip(topic_of_old[kept].tolist(), theme_of_old[kept].tolist(), strict=True))
    topic_size = Counter(best[best >= 0].tolist())
    old_size = Counter(old[:, 1].tolist())
    pairs = []
    for topic, words in enumerate(keywords):
        mine = set(words[:8])
        for pk, theme in suggested.items():
            together = shared.get((topic, pk), 0)
            items = together / max(1, topic_size[topic] + old_size[pk] - together)
            theirs = set(theme.keywords[:8])
            words_score = len(mine & theirs) / max(1, len(mine | theirs))
            if items >= SAME_ITEMS or words_score >= SAME_KEYWORDS:
                pairs.append((max(items, words_score), topic, pk))
    keys: dict[int, str] = {}
    taken: set[int] = set()
    for _score, topic, pk in sorted(pairs, reverse=True):
        if topic not in keys and pk not in taken:
            keys[topic] = suggested[pk].key
            taken.add(pk)
    return [
        keys.get(topic, "topic:" + "+".join(sorted(words[:3])))
        for topic, words in enumerate(keywords)
    ]


def themes_recompute() -> dict:
    """Recompute every item's theme and the highlight lists. Idempotent.

    Guarantees: renamed themes keep their name, merged themes keep pointing to their
    target (their items go to the target), and each item has at most one theme.

    Bounded memory: topics are fitted on a sample of at most FIT_SAMPLE texts; every item
    is then read in batches of BATCH and given its nearest topic, and only numbers are
    kept per item (id, meeting, topic, strength: 24 bytes), never its text.
    """
    import numpy as np

    now = timezone.now()
    tag_theme, new_themes = _tag_themes()
    themes_by_key = {t.key: t for t in Theme.objects.all()}
    item_ids = np.fromiter(
        FeedbackItem.objects.order_by("pk").values_list("pk", flat=True).iterator(BATCH),
        dtype=np.int64,
    )
    tagged = np.fromiter(tag_theme, dtype=np.int64, count=len(tag_theme))
    fitted = _fit_topics(_sample_texts(item_ids[~np.isin(item_ids, tagged)]))

    # One pass over every item, in batches: its topic, its highlights.
    meeting = np.zeros(len(item_ids), dtype=np.int64)
    best = np.full(len(item_ids), -1, dtype=np.int32)
    strength = np.zeros(len(item_ids), dtype=np.float32)
    found: list[tuple[int, str]] = []  # (item, highlight list): texts are read again
    last = 0
    while True:
        batch = list(
            _dimension_rows()
            .filter(pk__gt=last, pk__lte=int(item_ids[-1]) if len(item_ids) else 0)
            .order_by("pk")
            .values_list("pk", "text", *DIMENSION_FIELDS)[:BATCH]
        )
        if not batch:
            break
        last = batch[-1][0]
        pks = np.fromiter((r[0] for r in batch), dtype=np.int64, count=len(batch))
        rows = np.searchsorted(item_ids, pks)
        free_rows, free_texts = [], []
        for row, (pk, text, *dims) in zip(rows.tolist(), batch, strict=True):
            if item_ids[row] != pk:  # not there when the ids were read
                continue
            meeting[row] = dims[0]
            if pk not in tag_theme:
                free_rows.append(row)
                free_texts.append(text)
            found += [(pk, value) for value in highlight_lists(text=text, kind=dims[7])]
        if fitted is not None and free_rows:
            topics, weights = _nearest_topics(fitted, free_texts)
            best[free_rows] = topics
            strength[free_rows] = weights

    keys: list[str] = []
    if fitted is not None:
        keywords = fitted[2]
        best[strength <= 1e-4] = -1
        keys = _topic_identities(keywords, item_ids, best, themes_by_key)
        for words, key in zip(keywords, keys, strict=True):
            new_themes.setdefault(
                key,
                {"name": _topic_name(words), "origin": Theme.Origin.SUGGESTED, "keywords": words},
            )
    # Tag themes after the topics, as indexes into `keys` too.
    tag_keys = sorted(set(tag_theme.values()))
    index_of = {key: len(keys) + i for i, key in enumerate(tag_keys)}
    keys = [*keys, *tag_keys]
    if len(tagged):
        tagged_rows = np.searchsorted(item_ids, tagged).clip(0, len(item_ids) - 1)
        known = item_ids[tagged_rows] == tagged
        best[tagged_rows[known]] = np.array(
            [index_of[tag_theme[int(pk)]] for pk in tagged[known]], dtype=np.int32
        )
        strength[tagged_rows[known]] = 1.0
    sizes = np.bincount(best[best >= 0], minlength=len(keys))
    for index, key in enumerate(keys):
        spec = new_themes.get(key)
        if spec and spec["origin"] == Theme.Origin.SUGGESTED and sizes[index] < MIN_TOPIC_ITEMS:
            del new_themes[key]

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [THEMES_LOCK])
        for key, spec in new_themes.items():
            theme = themes_by_key.get(key)
            if theme is None:
                theme = Theme(key=key, name=spec["name"], origin=spec["origin"])
                themes_by_key[key] = theme
            elif not theme.renamed_at:
                theme.name = spec["name"]
            theme.keywords = spec["keywords"]
            theme.computed_at = now
            theme.save()
        # Each item's final theme (merges followed); index -1 (no topic) reads the last -1.
        final = np.array(
            [themes_by_key[key].final().pk if key in new_themes else -1 for key in keys] + [-1],
            dtype=np.int64,
        )
        theme_of = final[best]
        chosen = np.flatnonzero(theme_of >= 0)
        examples = _examples(chosen, theme_of, strength, meeting)
        ThemeItem.objects.all().delete()
        insert_rows(
            ThemeItem,
            ("theme_id", "item_id", "score", "example"),
            (
                (int(theme_of[r]), int(item_ids[r]), float(strength[r]), r in examples)
                for r in chosen.tolist()
            ),
        )
        per_theme = Counter(theme_of[chosen].tolist())
        for theme in themes_by_key.values():
            theme.size = per_theme.get(theme.pk, 0)
        Theme.objects.bulk_update(themes_by_key.values(), ["size"])
        # Forget suggestions nobody touched that no longer have items.
        Theme.objects.filter(
            origin=Theme.Origin.SUGGESTED, size=0, renamed_at__isnull=True, merged_into__isnull=True
        ).exclude(merged__isnull=False).delete()
        Theme.objects.filter(origin=Theme.Origin.TAG, size=0, renamed_at__isnull=True).exclude(
            key__in=new_themes
        ).exclude(merged__isnull=False).delete()

        Highlight.objects.all().delete()
        _highlights_write(found)
        state = CubeState.objects.order_by("pk").first()
        if state is not None:
            state.themes_computed_at = now
            state.save(update_fields=["themes_computed_at"])
    return {"themes": len(per_theme), "items": len(chosen)}


def _highlights_write(found: list[tuple[int, str]]) -> None:
    """Write the highlights, BATCH items at a time (their texts are not kept meanwhile).

    Quoted to executives: each text is read again by the redactor as the register is
    now, so a name learnt since the item was captured does not reach the dashboard."""
    redact = register_redactor().redact
    for start in range(0, len(found), BATCH):
        chunk = found[start : start + BATCH]
        items = {
            pk: (text, dims)
            for pk, text, *dims in _dimension_rows()
            .filter(pk__in=sorted({pk for pk, _ in chunk}))
            .values_list("pk", "text", *DIMENSION_FIELDS)
        }
        insert_rows(
            Highlight,
            ("item_id", "list", "text", *HIGHLIGHT_DIMENSIONS),
            [
                (pk, value, redact(items[pk][0]), *items[pk][1])
                for pk, value in chunk
                if pk in items
            ],
        )


def _tag_themes() -> tuple[dict[int, str], dict[str, dict]]:
    """({tagged item: its tag theme's key}, {tag theme key: spec}): tags used on at least
    MIN_TAG_ITEMS items, naming nobody and not only words of the domain."""

    item_tags: dict[int, list[int]] = defaultdict(list)
    rows = FeedbackItem.tags.through.objects.values_list("feedbackitem_id", "tag_id")
    for item_id, tag_id in rows.iterator(BATCH):
        item_tags[item_id].append(tag_id)
    tag_counts = Counter(t for tags in item_tags.values() for t in tags)
    tag_names = dict(Tag.objects.values_list("pk", "name"))
    avoid = _names_to_avoid()
    specs = {
        # A tag naming a customer or a guest would put that name on the dashboard; a tag
        # such as "meeting" or "customer" says nothing about a subject.
        f"tag:{tag_id}": {
            "name": tag_names[tag_id].capitalize(),
            "origin": Theme.Origin.TAG,
            "keywords": [tag_names[tag_id]],
        }
        for tag_id, count in tag_counts.items()
        if count >= MIN_TAG_ITEMS
        and not _names_someone(tag_names[tag_id], avoid)
        and not is_domain_word(tag_names[tag_id])
    }
    chosen = {}
    for item_id, tags in item_tags.items():
        usable = [t for t in tags if f"tag:{t}" in specs]
        if usable:
            chosen[item_id] = f"tag:{max(usable, key=lambda t: tag_counts[t])}"
    return chosen, specs


def _sample_texts(ids) -> list[str]:
    """The texts of at most FIT_SAMPLE of these items, drawn with a fixed seed."""
    import numpy as np

    rng = np.random.default_rng(8)
    sample = np.sort(rng.choice(ids, min(FIT_SAMPLE, len(ids)), replace=False)).tolist()
    texts = []
    for start in range(0, len(sample), 5000):
        chunk = sample[start : start + 5000]
        found = dict(FeedbackItem.objects.filter(pk__in=chunk).values_list("pk", "text"))
        texts += [found[pk] for pk in chunk if pk in found]
    return texts


def _examples(chosen, theme_of, strength, meeting) -> set[int]:
    """Per theme its strongest items, one per meeting, at most EXAMPLES_PER_THEME."""
    import numpy as np

    order = chosen[np.lexsort((-strength[chosen], theme_of[chosen]))]
    picked: Counter = Counter()
    seen: set[tuple[int, int]] = set()
    examples = set()
    for r, theme_id, meeting_id in zip(
        order.tolist(), theme_of[order].tolist(), meeting[order].tolist(), strict=True
    ):
        if picked[theme_id] < EXAMPLES_PER_THEME and (theme_id, meeting_id) not in seen:
            seen.add((theme_id, meeting_id))
            picked[theme_id] += 1
            examples.add(r)
    return examples


# --- Between two recomputations: new items join the nearest theme ---------------------

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


def theme_assign(*, meeting_ids) -> int:
    """Give every item of these meetings that has no theme its nearest existing theme.

    Nearest: a tag theme of one of its tags (the largest), else the suggested theme
    whose keywords it contains, weighted by their rank; an item containing none keeps
    no theme until the next recomputation. Not an example quote (those are chosen by
    the recomputation). Returns how many items got a theme."""
    items = list(
        FeedbackItem.objects.filter(meeting_id__in=list(meeting_ids), theme_link__isnull=True)
        .order_by("pk")
        .values_list("pk", "text")
    )
    if not items:
        return 0
    themes = list(
        Theme.objects.filter(merged_into__isnull=True, size__gt=0)
        .order_by("-size", "pk")
        .values_list("pk", "key", "origin", "keywords")
    )
    by_tag = {int(key[4:]): pk for pk, key, origin, _ in themes if origin == Theme.Origin.TAG}
    tags: dict[int, list[int]] = defaultdict(list)
    for item_id, tag_id in FeedbackItem.tags.through.objects.filter(
        feedbackitem_id__in=[pk for pk, _text in items], tag_id__in=list(by_tag)
    ).values_list("feedbackitem_id", "tag_id"):
        tags[item_id].append(by_tag[tag_id])
    suggested = [(pk, words) for pk, _, origin, words in themes if origin != Theme.Origin.TAG]
    links = []
    for item_id, text in items:
        if tags.get(item_id):
            links.append(ThemeItem(theme_id=tags[item_id][0], item_id=item_id, score=1.0))
            continue
        found = _words(text)
        scored = [
            (sum(1 / (rank + 1) for rank, k in enumerate(words[:10]) if _has(found, k)), pk)
            for pk, words in suggested
        ]
        score, pk = max(scored, default=(0, None), key=lambda pair: pair[0])
        if score > 0:
            links.append(ThemeItem(theme_id=pk, item_id=item_id, score=score / 10))
    ThemeItem.objects.bulk_create(links, ignore_conflicts=True)
    for theme_id, count in Counter(link.theme_id for link in links).items():
        Theme.objects.filter(pk=theme_id).update(size=F("size") + count)
    return len(links)


# --- Executive edits -------------------------------------------------------------------


def theme_rename(*, theme: Theme, name: str, user) -> Theme:
    """Rename a theme; recomputation keeps the executive's name."""
    theme.name = name.strip()
    theme.renamed_by = user
    theme.renamed_at = timezone.now()
    theme.full_clean()
    theme.save(update_fields=["name", "renamed_by", "renamed_at"])
    return theme


def theme_merge(*, source: Theme, target: Theme, user) -> Theme:
    """Merge `source` into `target`: its items move now, and future recomputations follow."""

    target = target.final()
    if source.pk == target.pk:
        raise ValidationError(_("A theme cannot be merged into itself."))
    with transaction.atomic():
        moved = ThemeItem.objects.filter(theme=source).update(theme=target)
        Theme.objects.filter(merged_into=source).update(merged_into=target)
        source.merged_into = target
        source.size = 0
        source.renamed_by = user
        source.save(update_fields=["merged_into", "size", "renamed_by"])
        target.size += moved
        target.save(update_fields=["size"])
    return target
