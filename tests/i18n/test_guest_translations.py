"""Guests read every page and mail in their own language, with no English left over.

For each of German, French and Spanish, every guest surface (guest_world.py) is rendered
for an English guest and for a guest of that language, with the same data; a word of
the translated surface that also appears in the English one is English left over,
unless it is the data's (names, titles, places, time zones) or a word both languages
share (listed below, each with why). The .po files must also translate every string of
the guest-facing files.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.i18n.guest_world import LANGUAGES, data_words, guest_surfaces, words_of

pytestmark = pytest.mark.django_db

# Words a translation shares with English on purpose: each is a word of that language
# (looked at one by one in the renderings), not English left over.
SHARED = {
    # The product and the rule keep their names everywhere; "NUL" names a byte.
    "*": {"open", "chair", "chatham", "house", "nul", "web", "marketing", "min"},
    "de": {
        # Words German spells as English does: "in", "an", "was" (what), loanwords
        # ("Link", "Byte", "Filter", "online", "optional") and shared nouns.
        "in",
        "an",
        "was",
        "links",
        "link",
        "byte",
        "filter",
        "online",
        "optional",
        "administrator",
        "april",
        "minute",
        "moment",
        "organisation",
        "person",
    },
    "fr": {
        # French words spelt as in English.
        "action",
        "actions",
        "agenda",
        "invitation",
        "invitations",
        "minute",
        "minutes",
        "moment",
        "notes",
        "organisation",
        "organisations",
        "page",
        "pages",
        "question",
    },
    "es": {"no", "byte", "idea"},
}

# Every file that holds strings a guest reads.
GUEST_FILES = {
    "accounts/errors.py",
    "accounts/security.py",
    "actions/endorsement_model.py",
    "actions/followup.py",
    "actions/forms.py",
    "actions/mails.py",
    "actions/services/guest.py",
    "actions/templates/actions/_follow_up_body.html",
    "actions/templates/actions/guest_page.html",
    "actions/templates/actions/guest_page_invalid.html",
    "actions/templates/actions/mail/follow_up_update.html",
    "actions/templates/actions/mail/follow_up_update.txt",
    "actions/templates/actions/follow_up_public.html",
    "actions/templates/actions/follow_up_public_invalid.html",
    "actions/templates/actions/mail/follow_up.html",
    "actions/templates/actions/mail/follow_up.txt",
    "actions/views/guest.py",
    "feedback/forms.py",
    "feedback/templates/feedback/guest_comment.html",
    "feedback/views.py",
    "invitations/forms.py",
    "invitations/ics.py",
    "invitations/mail.py",
    "invitations/templates/invitations/_agenda.html",
    "invitations/templates/invitations/mail/meeting_mail.html",
    "invitations/templates/invitations/mail/meeting_mail.txt",
    "invitations/templates/invitations/rsvp.html",
    "invitations/templates/invitations/rsvp_closed.html",
    "invitations/timefmt.py",
    "meetings/models.py",
    "outbox/mail.py",
    "outbox/templates/outbox/opt_out.html",
    "templates/400.html",
    "templates/403.html",
    "templates/403_csrf.html",
    "templates/404.html",
    "templates/413.html",
    "templates/429.html",
    "templates/500.html",
    "templates/503.html",
    "templates/_base.html",
    "templates/_plain.html",
}


@pytest.fixture(scope="module")
def english(django_db_blocker, django_db_setup):
    """The English rendering, once for the module (its own transaction, rolled back)."""
    from django.db import transaction
    from django.test import Client

    with django_db_blocker.unblock(), transaction.atomic():
        surfaces = guest_surfaces(Client(), "en-gb")
        transaction.set_rollback(True)
    return surfaces


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en-gb"])
def test_every_guest_page_and_mail_is_translated_with_no_english_left(client, english, language):
    translated = guest_surfaces(client, language)
    assert translated.keys() == english.keys()
    allowed = data_words() | SHARED["*"] | SHARED[language]
    left_over = {}
    for name, text in translated.items():
        english_words = words_of(english[name])
        words = words_of(text)
        assert text != english[name], f"{name} is not translated at all"
        if leftover := sorted((words & english_words) - allowed):
            left_over[name] = leftover
    assert not left_over, left_over


def test_english_guests_read_english(english):
    """The reference really is English (the comparison above would pass on anything)."""
    assert "Dear Liesel Brandauer," in english["invitation mail: text"]
    assert english["invitation mail: subject"] == "Invitation: Nordlicht Kazimierz"
    assert "Saturday 20 March 2027, 10:00–13:00 GMT (Europe/London)" in english["RSVP page"]


def _po_entries(path: Path):
    """(locations, flags, msgid, translations) of each entry of a .po file."""
    for block in path.read_text().split("\n\n"):
        lines = block.strip().splitlines()
        locations = {loc for line in lines if line.startswith("#: ") for loc in line[3:].split()}
        flags = {f.strip() for line in lines if line.startswith("#,") for f in line[2:].split(",")}
        strings, current = {}, None
        for line in lines:
            if match := re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line):
                current = match.group(1)
                strings[current] = match.group(2)
            elif line.startswith('"') and current:
                strings[current] += line[1:-1]
        if strings.get("msgid"):
            yield (
                locations,
                flags,
                strings["msgid"],
                [v for k, v in strings.items() if k.startswith("msgstr")],
            )


@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_every_guest_string_has_a_finished_translation(language):
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    unfinished = [
        msgid
        for locations, flags, msgid, translations in _po_entries(path)
        if locations & GUEST_FILES and ("fuzzy" in flags or not all(translations))
    ]
    assert not unfinished
    guest_entries = [e for e in _po_entries(path) if e[0] & GUEST_FILES]
    assert len(guest_entries) > 150
