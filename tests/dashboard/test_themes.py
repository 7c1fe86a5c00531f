import datetime as dt

import pytest

from dashboard.highlights import highlight_lists
from dashboard.models import Highlight, Theme, ThemeItem
from dashboard.tasks import recompute_themes
from dashboard.themes import theme_merge, theme_rename
from tests import factories as f

JAN = dt.date(2026, 1, 1)
SUBJECTS = {
    "invoice": [
        "Invoices arrive with the wrong purchase order number every month",
        "The invoice purchase order number is wrong and finance rejects the invoice",
        "Duplicate invoices with the wrong purchase order number again",
    ],
    "delivery": [
        "Deliveries arrive late and the warehouse waits for the truck",
        "Late delivery again, the warehouse truck never came on time",
        "Delivery trucks are late and the warehouse loses a whole shift",
    ],
    "portal": [
        "The ordering portal logs us out and the password reset never arrives",
        "Portal password reset emails take hours, the ordering portal is slow",
        "We cannot log in to the ordering portal after the password reset",
    ],
}


def seed_texts(world, repeat=4):
    meeting = world.meeting(organisations=3, month=JAN)
    for _ in range(repeat):
        for texts in SUBJECTS.values():
            for text in texts:
                world.feedback(meeting, 1, text=text, kind="concern")
    return meeting


@pytest.mark.django_db
def test_recompute_suggests_themes_whose_keywords_name_the_subjects(world):
    seed_texts(world)
    recompute_themes.delay()
    themes = list(Theme.objects.filter(size__gt=0))
    assert len(themes) >= 2
    words = " ".join(" ".join(t.keywords[:5]) + " " + t.name.lower() for t in themes)
    for subject in ("invoice", "deliver", "portal"):
        assert subject in words
    # Every item in a theme whose keywords come from its own text.
    for link in ThemeItem.objects.select_related("theme", "item")[:20]:
        assert any(k.split()[0] in link.item.text.lower() for k in link.theme.keywords[:10])


@pytest.mark.django_db
def test_facilitator_tags_become_themes(world):
    meeting = world.meeting(organisations=3, month=JAN)
    tag = f.TagFactory(name="one advocate")
    for item in world.feedback(meeting, 3, text="Give us one person who owns our case."):
        item.tags.add(tag)
    recompute_themes.delay()
    theme = Theme.objects.get(key=f"tag:{tag.pk}")
    assert theme.name == "One advocate"
    assert theme.size == 3


@pytest.mark.django_db
def test_rename_survives_recomputation(world):
    seed_texts(world)
    recompute_themes.delay()
    theme = Theme.objects.filter(size__gt=0).first()
    theme_rename(theme=theme, name="Billing mess", user=f.executive())
    recompute_themes.delay()
    assert Theme.objects.filter(name="Billing mess", size__gt=0).exists()


@pytest.mark.django_db
def test_merge_moves_items_and_survives_recomputation(world):
    seed_texts(world)
    recompute_themes.delay()
    first, second = Theme.objects.filter(size__gt=0)[:2]
    total = first.size + second.size
    theme_merge(source=second, target=first, user=f.executive())
    first.refresh_from_db()
    assert first.size == total
    assert not ThemeItem.objects.filter(theme=second).exists()
    recompute_themes.delay()
    assert not ThemeItem.objects.filter(theme=second).exists()
    assert Theme.objects.get(pk=second.pk).merged_into_id == first.pk


@pytest.mark.django_db
def test_executive_renames_and_merges_from_the_themes_page(world, executive_client):
    seed_texts(world)
    recompute_themes.delay()
    first, second = Theme.objects.filter(size__gt=0)[:2]
    response = executive_client.post(f"/dashboard/themes/{first.pk}/rename/", {"name": "Money"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.name == "Money"
    executive_client.post(f"/dashboard/themes/{second.pk}/merge/", {"target": first.pk})
    second.refresh_from_db()
    assert second.merged_into_id == first.pk
    page = executive_client.get("/dashboard/themes/").content.decode()
    assert "Money" in page


@pytest.mark.django_db
def test_merging_a_theme_into_itself_is_refused_with_a_message(world, executive_client):
    seed_texts(world)
    recompute_themes.delay()
    theme = Theme.objects.filter(size__gt=0).first()
    response = executive_client.post(
        f"/dashboard/themes/{theme.pk}/merge/", {"target": theme.pk}, follow=True
    )
    assert "cannot be merged into itself" in response.content.decode()


@pytest.mark.django_db
def test_recompute_button_runs_the_task(
    world, executive_client, django_capture_on_commit_callbacks
):
    seed_texts(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = executive_client.post("/dashboard/themes/recompute/")
    assert response.status_code == 302
    assert Theme.objects.filter(size__gt=0).exists()


def test_simplify_and_dream_lists_are_found_in_the_text():
    assert highlight_lists(text="Three forms could be eliminated", kind="concern") == [
        Highlight.List.SIMPLIFY
    ]
    assert highlight_lists(text="Ideally one portal for orders", kind="idea") == [
        Highlight.List.DREAM
    ]
    assert highlight_lists(text="Great visit, thank you", kind="praise") == []


def test_themes_are_recomputed_nightly_and_figures_refreshed_often(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"dashboard.recompute_themes", "dashboard.refresh_aggregates"} <= schedule


def test_recompute_runs_on_a_real_worker(celery_worker):
    from tests.dashboard.conftest import World

    world = World()
    seed_texts(world)
    result = recompute_themes.apply_async()
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not Theme.objects.filter(size__gt=0).exists():
        time.sleep(0.5)
    assert Theme.objects.filter(size__gt=0).exists(), result
    from dashboard.models import CubeState

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not CubeState.objects.exists():
        time.sleep(0.5)
    assert CubeState.objects.get().feedback_items == 36


@pytest.mark.django_db
def test_a_tag_naming_a_customer_never_becomes_a_theme(world):
    meeting = world.meeting(organisations=3, month=JAN)
    organisation = world.organisations[0]
    tag = f.TagFactory(name=organisation.name)
    for item in world.feedback(meeting, 3, text="They asked for a single invoice."):
        item.tags.add(tag)
    recompute_themes.delay()
    assert not Theme.objects.filter(key=f"tag:{tag.pk}").exists()
    assert not Theme.objects.filter(name__icontains=organisation.name).exists()


@pytest.mark.django_db
def test_a_highlight_never_quotes_a_name_the_register_learnt_after_capture(world):
    """An item captured before its speaker's colleague was in the register still named
    them; the dashboard's highlight quotes it without the name."""
    meeting = world.meeting(organisations=3, month=JAN)
    [item] = world.feedback(
        meeting, 1, text="We would love a single portal, as Quill Hartnell said", kind="idea"
    )
    f.ContactFactory(name="Quill Hartnell")
    recompute_themes.delay()
    assert list(Highlight.objects.filter(item_id=item.pk).values_list("text", flat=True)) == [
        "We would love a single portal, as [person] said"
    ]


# The same three subjects, said by German, French and Spanish customers.
SUBJECTS_IN = {
    "invoice": [
        "Die Rechnungen haben jeden Monat die falsche Bestellnummer",
        "Les factures ont chaque mois le mauvais numéro de commande",
        "Las facturas llegan con el número de pedido equivocado",
    ],
    "delivery": [
        "Die Lieferung kommt zu spät und das Lager wartet auf den Lastwagen",
        "La livraison arrive en retard et l'entrepôt attend le camion",
        "La entrega llega tarde y el almacén espera al camión",
    ],
    "portal": [
        "Das Bestellportal meldet uns ab und das Passwort wird nie zurückgesetzt",
        "Le portail de commande nous déconnecte et le mot de passe n'est jamais réinitialisé",
        "El portal de pedidos nos desconecta y la contraseña nunca se restablece",
    ],
}
FUNCTION_WORDS = {"der", "die", "das", "und", "les", "le", "la", "et", "el", "las", "y", "de"}


@pytest.mark.django_db
def test_themes_of_feedback_in_four_languages_are_subjects_not_languages(world, capsys):
    """Each text loses its own language's stop words, so no topic is made of "der die
    und" or "les et la", and words keep their accents ("qualität", "entrepôt")."""
    from dashboard.vocabulary import text_language, topic_words

    meeting = world.meeting(organisations=3, month=JAN)
    for _ in range(4):
        for subject in SUBJECTS:
            for text in SUBJECTS[subject] + SUBJECTS_IN[subject]:
                world.feedback(meeting, 1, text=text, kind="concern")
    recompute_themes.delay()
    themes = list(Theme.objects.filter(size__gt=0))
    assert len(themes) >= 2
    for theme in themes:
        words = {w for keyword in theme.keywords for w in keyword.split()}
        assert not words & FUNCTION_WORDS, theme.keywords
    # A language's texts are not one theme: the German ones land in more than one; and
    # late deliveries, said in four languages, share a theme (the subject glossary; with
    # so few texts, not every subject joins up: see docs/i18n.md).
    german = ThemeItem.objects.filter(item__text__startswith="D").values("theme").distinct()
    assert german.count() >= 2
    for subject in ("delivery",):
        english_themes = set(
            ThemeItem.objects.filter(item__text__in=SUBJECTS[subject]).values_list(
                "theme", flat=True
            )
        )
        for text in SUBJECTS_IN[subject]:
            themes_of_text = set(
                ThemeItem.objects.filter(item__text=text).values_list("theme", flat=True)
            )
            assert themes_of_text & english_themes, (subject, text)
    assert text_language(["die", "lieferung", "und", "das", "lager"]) == "de"
    assert text_language(["la", "livraison", "et", "les", "factures"]) == "fr"
    assert text_language(["la", "entrega", "y", "las", "facturas"]) == "es"
    assert text_language(["the", "delivery", "and", "the", "invoices"]) == "en"
    assert topic_words("Das Lager im Entrepôt: Qualität!") == ["warehouse", "warehouse", "quality"]
    assert topic_words("Die Zweigstelle im Süden") == ["zweigstelle", "süden"]
    with capsys.disabled():
        for theme in sorted(themes, key=lambda t: -t.size):
            print(f"\n[themes in four languages] {theme.size:3} {theme.keywords[:6]}")
