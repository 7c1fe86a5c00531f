"""How a language is chosen: guests by contact, then country, then English; staff by
their own choice, else the browser's."""

import pytest
from django.urls import reverse

from meetings.language import guest_language
from tests.factories import ContactFactory, MeetingFactory, leader

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("contact_language", "country", "expected"),
    [
        ("de", "GB", "de"),  # the contact's own language first
        ("fr-BE", "DE", "fr"),  # a regional variant reads its language
        ("es_MX", "FR", "es"),
        ("en", "DE", "en-gb"),  # an English contact in Berlin reads English
        ("", "AT", "de"),  # no language of their own: the meeting's country's
        ("", "BE", "fr"),
        ("", "MX", "es"),
        ("nl", "FR", "fr"),  # a language Open Chair does not speak: the country's
        ("nl", "NL", "en-gb"),  # ... and then English
        ("", "JP", "en-gb"),
    ],
)
def test_guest_language_falls_back_from_contact_to_country_to_english(
    contact_language, country, expected
):
    contact = ContactFactory(language=contact_language)
    meeting = MeetingFactory(country=country)
    assert guest_language(contact=contact, meeting=meeting) == expected


def test_a_new_contact_reads_the_language_of_the_meetings_country():
    """A contact whose language nobody chose is not taken for English: the meeting's
    country decides, as the contact form says."""
    contact = ContactFactory()  # the model's default, as the form and the import leave it
    assert contact.language == ""
    assert guest_language(contact=contact, meeting=MeetingFactory(country="DE")) == "de"
    assert guest_language(contact=contact, meeting=MeetingFactory(country="GB")) == "en-gb"


def test_guest_language_without_contact_or_meeting():
    assert guest_language(meeting=MeetingFactory(country="ES")) == "es"
    assert guest_language(contact=ContactFactory(language="de")) == "de"
    assert guest_language() == "en-gb"


def test_staff_page_follows_the_browser_until_the_user_chooses(client):
    user = leader()
    client.force_login(user)
    page = client.get(reverse("language"), HTTP_ACCEPT_LANGUAGE="fr")
    assert page["Content-Language"] == "fr"
    assert '<html lang="fr">' in page.content.decode()

    response = client.post(reverse("language"), {"language": "de"}, follow=True)
    user.refresh_from_db()
    assert user.language == "de"
    # The browser still asks for French; the user's choice wins, on every page.
    home = client.get(reverse("language"), HTTP_ACCEPT_LANGUAGE="fr")
    assert home["Content-Language"] == "de"
    assert '<html lang="de">' in home.content.decode()
    assert "Sprache" in response.content.decode()

    client.post(reverse("language"), {"language": ""})
    user.refresh_from_db()
    assert user.language == ""
    assert client.get(reverse("language"), HTTP_ACCEPT_LANGUAGE="es")["Content-Language"] == "es"


def test_a_users_language_applies_from_their_login(client):
    leader(username="marie", language="fr")
    client.post(reverse("login"), {"username": "marie", "password": "pass-word-123"})
    page = client.get(reverse("language"), HTTP_ACCEPT_LANGUAGE="de")
    assert page["Content-Language"] == "fr"
    assert "Langue" in page.content.decode()


def test_a_language_open_chair_does_not_speak_is_refused(client):
    user = leader()
    client.force_login(user)
    response = client.post(reverse("language"), {"language": "xx"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    user.refresh_from_db()
    assert user.language == ""
