"""Suggested topics: TF-IDF + NMF fitted on a sample of the texts, each text's nearest
topic, a topic's readable name, and which old theme a new topic continues (moved out of
dashboard/themes.py, #19)."""

from __future__ import annotations

from collections import Counter

from .highlights import BATCH
from .models import Theme, ThemeItem
from .vocabulary import is_domain_word, topic_words

MIN_TOPIC_ITEMS = 3


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


def _fit_topics(texts: list[str]):
    """Fit TF-IDF + NMF on a sample; return (vectoriser, unit topic vectors, keywords per
    topic) or None when the texts hold too little."""
    if len(texts) < MIN_TOPIC_ITEMS * 2:
        return None
    # Lazy, not a cycle: scikit-learn and numpy take about a second and tens of MB to
    # import, which only the nightly theme task needs, never a web worker.
    import numpy as np  # heavy: only the theme tasks load it, never a web worker
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
    keywords, topics = [], []
    for component in model.components_.astype(np.float32):
        # Heaviest first; weights equal but for float noise in the order of the terms.
        weight = np.round(component / max(float(component.max()), 1e-12), 4)
        order = np.lexsort((np.arange(len(component)), -weight))[:10]
        words = [str(terms[i]) for i in order if component[i] > 0]
        unit = component / max(float(np.linalg.norm(component)), 1e-12)
        copies = (_same_topic(unit, words, t, k) for t, k in zip(topics, keywords, strict=True))
        if words and not any(copies):
            keywords.append(words)
            topics.append(unit)
    if not topics:
        return None
    return vectorizer, np.array(topics, dtype=np.float32), keywords


# Two topics of one fit this alike are one: asked for more topics than the texts hold,
# NMF returns copies of a topic. Kept, a copy ties with its original for the same items
# and a bit of float noise decides which one gets them, and which one continues the old
# theme: an empty copy could take the old theme's key, and the theme lost its identity.
SAME_TOPIC = 0.98


def _same_topic(unit, words: list[str], other, other_words: list[str]) -> bool:
    return float(unit @ other) >= SAME_TOPIC or set(words) == set(other_words)


def _nearest_topics(fitted, texts: list[str]):
    """(topic, strength) per text: the topic vector nearest its TF-IDF vector (cosine;
    both are unit length). The sample's fit reaches every text this way, batch by
    batch, without NMF's iterative solve per text: what keeps a million items in time."""
    import numpy as np  # heavy: only the theme tasks load it, never a web worker

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
    pairs first; a topic that continues none gets a new key. A topic too small to be a
    theme (fewer than MIN_TOPIC_ITEMS items) continues none: it would take an old theme's
    key only for the theme to be dropped while its items went to a new key.

    `item_ids` (sorted) and `best` (their topic, -1 for none) are parallel arrays. So a
    theme keeps its identity — its key, an executive's name, its merges — when its
    content carries over, even when its keywords drift (issue #21: "Ordering catalogue ·
    partnership" became "Field engineers · ordering")."""
    import numpy as np  # heavy: only the theme tasks load it, never a web worker

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
            if topic_size[topic] >= MIN_TOPIC_ITEMS and (
                items >= SAME_ITEMS or words_score >= SAME_KEYWORDS
            ):
                score = round(max(items, words_score), 6)
                rank = (-score, -round(items, 6), -topic_size[topic], pk, topic)
                pairs.append((rank, topic, pk))
    keys: dict[int, str] = {}
    taken: set[int] = set()
    # Best pairs first; on a tie, the pair sharing more items, then the bigger topic, then
    # the older theme, then the first topic: never the order of rows or a float's last bits.
    for _rank, topic, pk in sorted(pairs):
        if topic not in keys and pk not in taken:
            keys[topic] = suggested[pk].key
            taken.add(pk)
    return [
        keys.get(topic, "topic:" + "+".join(sorted(words[:3])))
        for topic, words in enumerate(keywords)
    ]
