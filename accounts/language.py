"""A signed-in user's language: their own choice (`User.language`), on every page.

Django's LocaleMiddleware picks each request's language from the language cookie, else
the browser's Accept-Language. The user's choice reaches it through that cookie, which
this middleware keeps equal to the choice whenever a request has loaded the user anyway
(the login, every ordinary page): reading the user on every request would cost the hot
capture path (`feedback.views.capture_post`), which never loads it, two queries. An
empty choice removes the cookie, so the browser's language applies again.

Guests never pass here with a choice of their own: their pages pick the guest's
language in the view (`meetings.language.guest_language`).
"""

from django.conf import settings
from django.utils.functional import SimpleLazyObject, empty


def _loaded_user(request):
    """`request.user` if this request already loaded it, else None (never loads it)."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject):
        user = None if user._wrapped is empty else user._wrapped
    return user if user is not None and user.is_authenticated else None


def language_cookie(response, language: str) -> None:
    """Set (or, for "", delete) the cookie that carries a user's language."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    else:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )


class UserLanguageMiddleware:
    """Keeps the language cookie equal to the signed-in user's choice (see above)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = _loaded_user(request)
        if user is not None:
            chosen = getattr(user, "language", "") or ""
            if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "") != chosen:
                language_cookie(response, chosen)
        return response
