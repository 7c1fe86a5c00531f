"""Request size guard: a body larger than MAX_REQUEST_BYTES is refused before parsing.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves uploaded files out of its count, and
gunicorn sets no body limit, so without this a single request could fill the disk
with a temporary upload. The largest legitimate body is a CSV import (MAX_IMPORT_BYTES).
"""

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return HttpResponse(render_to_string("413.html"), status=413)
        return self.get_response(request)


class QueryStringGuardMiddleware:
    """A NUL byte in the query string is refused with a 400 page before any view reads it.

    PostgreSQL cannot store or compare text containing NUL (``\\x00``), so a search box or
    filter that passes ``request.GET`` to a query would raise and answer 500. Form fields
    reject NUL already (Django's ProhibitNullCharactersValidator); this guards the views
    that read ``request.GET`` directly (pagination, sort, filters), all in one place.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET):
            return HttpResponseBadRequest(
                render_to_string(
                    "400.html",
                    {
                        "reason": _(
                            "The address contains a character that is not allowed "
                            "(a NUL byte). Remove it from the search or filter and try again."
                        )
                    },
                )
            )
        return self.get_response(request)


def _has_nul(query) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in query.lists()
    )


class PrivateNoStoreMiddleware:
    """Every page, partial and export the app renders is ``Cache-Control: private, no-store``.

    They hold contact details, what guests said and who was there; a shared proxy must not
    keep them, and neither should the browser's disk cache once the user has left the
    machine. Signed guest pages count too (a guest's own name and answer). Static files
    are served above this middleware (WhiteNoise) and keep their long cache lifetimes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response
