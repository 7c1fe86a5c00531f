"""Themes: facilitator tags plus suggestions computed from the redacted texts.

Explainable by construction: a suggested theme is an NMF topic over TF-IDF weighted
words and word pairs; its keywords are the topic's heaviest terms, its size the number
of items whose strongest topic it is, its examples the items that weigh most on it.
Executives' renames and merges survive recomputation: a new topic takes over the
theme whose keywords it shares most (and a merged theme keeps pointing to its target).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Contact, Organisation
from feedback.models import FeedbackItem, Tag
from feedback.redaction import register_redactor

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


def highlight_dimensions() -> dict[int, dict]:
    """Every item's filter dimensions, as Highlight stores them."""
    return {
        pk: dict(zip(HIGHLIGHT_DIMENSIONS, values, strict=True))
        for pk, *values in _dimension_rows().iterator(20_000)
    }


def highlight_dimension_values() -> dict[int, tuple]:
    """Every item's filter dimensions as tuples in HIGHLIGHT_DIMENSIONS order (less memory)."""
    return {pk: tuple(values) for pk, *values in _dimension_rows().iterator(20_000)}


def _names_to_avoid() -> set[str]:

    names = set(Organisation.objects.values_list("name", flat=True))
    names |= set(Contact.objects.values_list("name", flat=True))
    return {n.lower() for n in names if len(n) >= 3}


def _names_someone(text: str, names: set[str]) -> bool:
    lowered = text.lower()
    return any(name in lowered or lowered in name for name in names)


def _topic_name(keywords: list[str]) -> str:
    """Two readable terms: word pairs first (they read as subjects), then single words."""
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


def _suggest_topics(texts: list[str]):
    """Fit TF-IDF + NMF; return (keywords per topic, weights per text) or None."""
    if len(texts) < MIN_TOPIC_ITEMS * 2:
        return None
    # Lazy, not a cycle: scikit-learn and numpy take about a second and tens of MB to
    # import, which only the nightly theme task needs, never a web worker.
    import numpy as np
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    vectorizer = TfidfVectorizer(
        stop_words=sorted(ENGLISH_STOP_WORDS | EXTRA_STOP_WORDS),
        ngram_range=(1, 2),
        min_df=2,
        max_df=0.3,
        sublinear_tf=True,
        token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]{2,}\b",  # noqa: S106 - not a password
        max_features=20_000,
    )
    rng = np.random.default_rng(8)
    sample = texts
    if len(texts) > FIT_SAMPLE:
        sample = [texts[i] for i in rng.choice(len(texts), FIT_SAMPLE, replace=False)]
    try:
        matrix = vectorizer.fit_transform(sample)
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
    weights = []
    for start in range(0, len(texts), BATCH):
        weights.append(model.transform(vectorizer.transform(texts[start : start + BATCH])))
    return keywords, np.vstack(weights)


def _match_existing(keywords: list[str], existing: list[Theme], taken: set[int]) -> Theme | None:
    best, best_score = None, 0.0
    mine = set(keywords[:8])
    for theme in existing:
        if theme.pk in taken:
            continue
        theirs = set(theme.keywords[:8])
        score = len(mine & theirs) / max(1, len(mine | theirs))
        if score > best_score:
            best, best_score = theme, score
    return best if best_score >= 0.4 else None


def themes_recompute() -> dict:
    """Recompute every item's theme and the highlight lists. Idempotent.

    Guarantees: renamed themes keep their name, merged themes keep pointing to their
    target (their items go to the target), and each item has at most one theme.
    """

    items = list(
        FeedbackItem.objects.order_by("pk").values_list("pk", "text", "kind", "meeting_id")
    )
    dims = highlight_dimension_values()
    item_tags: dict[int, list[int]] = defaultdict(list)
    for item_id, tag_id in FeedbackItem.tags.through.objects.values_list(
        "feedbackitem_id", "tag_id"
    ):
        item_tags[item_id].append(tag_id)
    tag_counts = Counter(t for tags in item_tags.values() for t in tags)
    tag_names = dict(Tag.objects.values_list("pk", "name"))
    now = timezone.now()

    themes_by_key = {t.key: t for t in Theme.objects.all()}
    assignment: dict[int, tuple[str, float]] = {}
    new_themes: dict[str, dict] = {}
    avoid = _names_to_avoid()
    for tag_id, count in tag_counts.items():
        # A tag naming a customer or a guest would put that name on the dashboard.
        if count >= MIN_TAG_ITEMS and not _names_someone(tag_names[tag_id], avoid):
            new_themes[f"tag:{tag_id}"] = {
                "name": tag_names[tag_id].capitalize(),
                "origin": Theme.Origin.TAG,
                "keywords": [tag_names[tag_id]],
            }
    untagged = []
    for item_id, text, _kind, _meeting in items:
        usable = [t for t in item_tags.get(item_id, []) if f"tag:{t}" in new_themes]
        if usable:
            best = max(usable, key=lambda t: tag_counts[t])
            assignment[item_id] = (f"tag:{best}", 1.0)
        else:
            untagged.append((item_id, text))

    topics = _suggest_topics([text for _, text in untagged])
    if topics is not None:
        keywords, weights = topics
        suggested = [t for t in themes_by_key.values() if t.origin == Theme.Origin.SUGGESTED]
        taken: set[int] = set()
        topic_keys = []
        for words in keywords:
            match = _match_existing(words, suggested, taken)
            if match is not None:
                taken.add(match.pk)
                key = match.key
            else:
                key = "topic:" + "+".join(sorted(words[:3]))
            topic_keys.append(key)
            new_themes.setdefault(
                key,
                {"name": _topic_name(words), "origin": Theme.Origin.SUGGESTED, "keywords": words},
            )
        best = weights.argmax(axis=1)
        for row, (item_id, _text) in enumerate(untagged):
            topic = best[row]
            weight = float(weights[row, topic])
            if weight > 1e-4:
                assignment[item_id] = (topic_keys[topic], weight)
        sizes = Counter(key for key, _ in assignment.values())
        for key in list(new_themes):
            if new_themes[key]["origin"] == Theme.Origin.SUGGESTED and sizes[key] < MIN_TOPIC_ITEMS:
                del new_themes[key]
        assignment = {i: a for i, a in assignment.items() if a[0] in new_themes}

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
        final = {key: theme.final() for key, theme in themes_by_key.items()}
        per_theme: dict[int, list[tuple[float, int, int]]] = defaultdict(list)
        meeting_of = {item_id: meeting_id for item_id, _, _, meeting_id in items}
        for item_id, (key, score) in assignment.items():
            per_theme[final[key].pk].append((score, item_id, meeting_of[item_id]))
        links = []
        for theme_id, rows in per_theme.items():
            rows.sort(reverse=True)
            examples, meetings = set(), set()
            for _score, item_id, meeting_id in rows:
                if len(examples) >= EXAMPLES_PER_THEME:
                    break
                if meeting_id not in meetings:
                    examples.add(item_id)
                    meetings.add(meeting_id)
            links.extend(
                (theme_id, item_id, score, item_id in examples) for score, item_id, _ in rows
            )
        ThemeItem.objects.all().delete()
        insert_rows(ThemeItem, ("theme_id", "item_id", "score", "example"), links)
        for theme in themes_by_key.values():
            theme.size = len(per_theme.get(theme.pk, ()))
        Theme.objects.bulk_update(themes_by_key.values(), ["size"])
        # Forget suggestions nobody touched that no longer have items.
        Theme.objects.filter(
            origin=Theme.Origin.SUGGESTED, size=0, renamed_at__isnull=True, merged_into__isnull=True
        ).exclude(merged__isnull=False).delete()
        Theme.objects.filter(origin=Theme.Origin.TAG, size=0, renamed_at__isnull=True).exclude(
            key__in=new_themes
        ).exclude(merged__isnull=False).delete()

        Highlight.objects.all().delete()
        # Quoted to executives: read again by the redactor as the register is now, so a
        # name learnt since the item was captured does not reach the dashboard.
        redact = register_redactor().redact
        insert_rows(
            Highlight,
            ("item_id", "list", "text", *HIGHLIGHT_DIMENSIONS),
            (
                (item_id, value, redact(text), *dims[item_id])
                for item_id, text, kind, _ in items
                for value in highlight_lists(text=text, kind=kind)
            ),
        )
        state = CubeState.objects.order_by("pk").first()
        if state is not None:
            state.themes_computed_at = now
            state.save(update_fields=["themes_computed_at"])
    return {"themes": len(per_theme), "items": len(assignment)}


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
