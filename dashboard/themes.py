"""Themes: facilitator tags plus suggestions computed from the redacted texts.

Explainable by construction: a suggested theme is an NMF topic over TF-IDF weighted
words and word pairs; its keywords are the topic's heaviest terms, its size the number
of items whose strongest topic it is, its examples the items that weigh most on it.
Executives' renames and merges survive recomputation: a new topic takes over the
theme whose keywords it shares most (and a merged theme keeps pointing to its target).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Contact, Organisation
from feedback.models import FeedbackItem, Tag

from .bulk import insert_rows
from .highlights import BATCH
from .models import CubeState, Theme, ThemeItem
from .topics import (
    MIN_TOPIC_ITEMS,
    _fit_topics,
    _nearest_topics,
    _topic_identities,
    _topic_name,
)
from .vocabulary import _has, _words, is_domain_word

THEMES_LOCK = 80_09  # serialises two recomputations started at once
MIN_TAG_ITEMS = 3
EXAMPLES_PER_THEME = 10
FIT_SAMPLE = 20_000


def _names_to_avoid() -> set[str]:

    names = set(Organisation.objects.values_list("name", flat=True))
    names |= set(Contact.objects.values_list("name", flat=True))
    return {n.lower() for n in names if len(n) >= 3}


def _names_someone(text: str, names: set[str]) -> bool:
    lowered = text.lower()
    return any(name in lowered or lowered in name for name in names)


def themes_recompute() -> dict:
    """Recompute every item's theme. Idempotent.

    Guarantees: renamed themes keep their name, merged themes keep pointing to their
    target (their items go to the target), and each item has at most one theme.

    Bounded memory: topics are fitted on a sample of at most FIT_SAMPLE texts; every item
    is then read in batches of BATCH and given its nearest topic, and only numbers are
    kept per item (id, meeting, topic, strength: 24 bytes), never its text.

    The highlight lists do not depend on themes: the live updates and the nightly
    reconciliation write them (`dashboard.highlights.highlights_rewrite`).
    """
    import numpy as np  # heavy: only the theme tasks load it, never a web worker

    now = timezone.now()
    stages: dict[str, float] = {}  # seconds per stage: what bench/bench_themes.py prints
    mark = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal mark
        stages[name] = time.perf_counter() - mark
        mark = time.perf_counter()

    tag_theme, new_themes = _tag_themes()
    themes_by_key = {t.key: t for t in Theme.objects.all()}
    item_ids = np.fromiter(
        FeedbackItem.objects.order_by("pk").values_list("pk", flat=True).iterator(BATCH),
        dtype=np.int64,
    )
    tagged = np.fromiter(tag_theme, dtype=np.int64, count=len(tag_theme))
    stage("ids")
    fitted = _fit_topics(_sample_texts(item_ids[~np.isin(item_ids, tagged)]))
    stage("fit")

    # One pass over every item, in batches: its topic.
    meeting = np.zeros(len(item_ids), dtype=np.int64)
    best = np.full(len(item_ids), -1, dtype=np.int32)
    strength = np.zeros(len(item_ids), dtype=np.float32)
    last = 0
    while True:
        batch = list(
            FeedbackItem.objects.filter(
                pk__gt=last, pk__lte=int(item_ids[-1]) if len(item_ids) else 0
            )
            .order_by("pk")
            .values_list("pk", "text", "meeting_id")[:BATCH]
        )
        if not batch:
            break
        last = batch[-1][0]
        pks = np.fromiter((r[0] for r in batch), dtype=np.int64, count=len(batch))
        rows = np.searchsorted(item_ids, pks)
        free_rows, free_texts = [], []
        for row, (pk, text, meeting_id) in zip(rows.tolist(), batch, strict=True):
            if item_ids[row] != pk:  # not there when the ids were read
                continue
            meeting[row] = meeting_id
            if pk not in tag_theme:
                free_rows.append(row)
                free_texts.append(text)
        if fitted is not None and free_rows:
            topics, weights = _nearest_topics(fitted, free_texts)
            best[free_rows] = topics
            strength[free_rows] = weights

    stage("assign")
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
    # Two topics may share a new key (the same first three keywords): one theme, their
    # items together, kept or dropped as one.
    sizes: Counter = Counter()
    for index, size in enumerate(np.bincount(best[best >= 0], minlength=len(keys)).tolist()):
        sizes[keys[index]] += size
    for key, size in sizes.items():
        spec = new_themes.get(key)
        if spec and spec["origin"] == Theme.Origin.SUGGESTED and size < MIN_TOPIC_ITEMS:
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
        stage("themes")
        _write_links(item_ids, theme_of, strength, chosen, examples)
        stage("items")
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
        state = CubeState.objects.order_by("pk").first()
        if state is not None:
            state.themes_computed_at = now
            state.save(update_fields=["themes_computed_at"])
    stage("commit")
    return {"themes": len(per_theme), "items": len(chosen), "seconds": stages}


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
        if usable:  # the most used tag; on a tie the oldest, whatever order the rows came in
            chosen[item_id] = f"tag:{max(usable, key=lambda t: (tag_counts[t], -t))}"
    return chosen, specs


def _write_links(item_ids, theme_of, strength, chosen, examples: set[int]) -> None:
    """Store each chosen item's theme link, writing only what changed.

    Themes stay put, so from one recompute to the next most items keep their theme: a
    stored link whose theme is unchanged is left as it is, and only links that are new,
    moved to another theme or gone are written, with every example (old or new) written
    afresh, since examples are shown in the order of their strength. A link kept as it
    was keeps the strength it had when it was written; only examples are ever ordered
    by it. A first recompute, or one after the topics changed, writes every link, as a
    plain rewrite would. `chosen` and `examples` are rows of `item_ids` (sorted)."""
    import numpy as np  # heavy: only the theme tasks load it, never a web worker

    new_items = item_ids[chosen]
    new_themes = theme_of[chosen]
    stored = np.fromiter(
        ThemeItem.objects.order_by("item_id").values_list("item_id", "theme_id", "example")
        .iterator(50_000),
        dtype=[("item", np.int64), ("theme", np.int64), ("example", np.bool_)],
    )  # fmt: skip
    _common, old_rows, new_rows = np.intersect1d(
        stored["item"], new_items, assume_unique=True, return_indices=True
    )
    is_example = np.zeros(len(item_ids), dtype=bool)
    is_example[sorted(examples)] = True
    kept = (stored["theme"][old_rows] == new_themes[new_rows]) & ~stored["example"][old_rows]
    kept &= ~is_example[chosen[new_rows]]
    keep = np.zeros(len(chosen), dtype=bool)
    keep[new_rows[kept]] = True
    stale = np.ones(len(stored), dtype=bool)
    stale[old_rows[kept]] = False
    if stale.all():
        ThemeItem.objects.all().delete()
    else:
        gone = stored["item"][stale].tolist()
        for start in range(0, len(gone), 10_000):
            ThemeItem.objects.filter(item_id__in=gone[start : start + 10_000]).delete()
    insert_rows(
        ThemeItem,
        ("theme_id", "item_id", "score", "example"),
        (
            (int(theme_of[r]), int(item_ids[r]), float(strength[r]), bool(is_example[r]))
            for r in chosen[~keep].tolist()
        ),
    )


def _sample_texts(ids) -> list[str]:
    """The texts of at most FIT_SAMPLE of these items, drawn with a fixed seed."""
    import numpy as np  # heavy: only the theme tasks load it, never a web worker

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
    import numpy as np  # heavy: only the theme tasks load it, never a web worker

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
