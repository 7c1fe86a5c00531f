"""The language a guest reads: one answer for every guest page and every guest mail.

`guest_language(contact=..., meeting=...)` is the only place that decides it:

1. the contact's own language (`Contact.language`), when Open Chair speaks it
   ("de-AT" reads German, "en" reads British English);
2. otherwise the language of the meeting's country (a meeting in Vienna invites in
   German, one in Lyon in French);
3. otherwise English.

Guests have no account and no session: their pages and mails are rendered inside
`translation.override(guest_language(...))`, whatever the browser or the leader who
triggered the mail speaks. Staff pages follow the user's own choice instead
(`accounts.language`).
"""

from contextlib import contextmanager

from django.conf import settings
from django.utils import translation

from customers.models import Contact

# The language a meeting in this country invites in, for the languages Open Chair speaks.
# Countries with several official languages take the one most of its business is done in
# (Switzerland: German; Belgium: French); a contact's own language always comes first.
COUNTRY_LANGUAGES = {
    # English
    "GB": "en",
    "IE": "en",
    "US": "en",
    "CA": "en",
    "AU": "en",
    "NZ": "en",
    "ZA": "en",
    "IN": "en",
    "SG": "en",
    "MT": "en",
    # German
    "DE": "de",
    "AT": "de",
    "CH": "de",
    "LI": "de",
    # French
    "FR": "fr",
    "BE": "fr",
    "LU": "fr",
    "MC": "fr",
    # Spanish
    "ES": "es",
    "MX": "es",
    "AR": "es",
    "CO": "es",
    "CL": "es",
    "PE": "es",
    "VE": "es",
    "EC": "es",
    "GT": "es",
    "CU": "es",
    "BO": "es",
    "DO": "es",
    "HN": "es",
    "PY": "es",
    "SV": "es",
    "NI": "es",
    "CR": "es",
    "PA": "es",
    "UY": "es",
    "PR": "es",
}


def supported_language(code: str | None) -> str | None:
    """The language of settings.LANGUAGES that `code` reads in ("de-at" → "de",
    "en" → "en-gb"), or None when Open Chair does not speak it."""
    code = (code or "").strip().replace("_", "-").lower()
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def country_language(country) -> str | None:
    """The language a meeting held in `country` (a code or a django-countries value)
    invites in, or None."""
    code = str(getattr(country, "code", country) or "").upper()
    return supported_language(COUNTRY_LANGUAGES.get(code))


def guest_language(*, contact=None, meeting=None, default: str | None = None) -> str:
    """The language of a guest's pages and mails: the contact's, else the meeting's
    country's, else `default` (a page that knows neither passes the browser's), else
    English. Contact and meeting may be None (a shared link knows no contact; an opt-out
    link knows no meeting; a broken link knows neither)."""
    return (
        supported_language(getattr(contact, "language", None))
        or (country_language(meeting.country) if meeting is not None else None)
        or supported_language(default)
        or settings.LANGUAGE_CODE
    )


def contact_for_address(email: str):
    """The contact a mail address belongs to (addresses are unique, case aside), or None:
    an opt-out link and a mail's footer know the guest only by address."""
    return Contact.objects.filter(email__iexact=email.strip()).only("language").first()


@contextmanager
def guest_translation(**who):
    """`with guest_translation(contact=..., meeting=...) as language:` renders a guest's
    page or mail in their language (see guest_language for `who`)."""
    language = guest_language(**who)
    with translation.override(language):
        yield language


def for_guest(response, language: str):
    """Mark a guest page's response with the language it was written in."""
    response.headers["Content-Language"] = language
    return response
