"""A signed-in user's language: their own choice, applied to every page they open.

`User.language` empty means "the browser's" (Django's LocaleMiddleware, which runs
first, already activated the language of Accept-Language or the language cookie).
Guests never pass here with a choice of their own: their pages pick the guest's
language in the view (`meetings.language.guest_language`).
"""

from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """After AuthenticationMiddleware: activate the user's chosen language, if any.

    Reads `request.user` only when the session cookie says someone may be signed in, so a
    guest's page loads no session for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self._chosen(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response

    @staticmethod
    def _chosen(request) -> str:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return ""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return ""
        return getattr(user, "language", "") or ""
