"""A database outage answers 503 with a friendly page, and the app recovers by itself.

With ATOMIC_REQUESTS on, the first query of a request happens when Django opens the
view's transaction, so a lost database surfaces as an exception from the view call:
`DatabaseOutageMiddleware.process_exception` turns it into the 503 page. Failures
elsewhere (a middleware reading the session, the session being saved) reach the
`handler500` in `config/urls.py`, which makes the same decision. Neither touches the
database, and the broken connection is closed so that the next request connects anew
(Django's CONN_HEALTH_CHECKS does the same for persistent connections).
"""

import contextlib
import logging

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = "30"


def is_database_outage(exc: BaseException) -> bool:
    """True for "cannot reach / lost the database", not for bad queries or constraints."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        if isinstance(exc, DatabaseError) and exc.__class__.__name__ in (
            "OperationalError",
            "InterfaceError",
        ):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _close_broken_connections() -> None:
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(Exception):  # already broken; closing is best effort
            connection.close()


def outage_response(request) -> HttpResponse:
    logger.error("database unavailable: answering 503 for %s", request.path)
    _close_broken_connections()
    accepts_json = "application/json" in request.headers.get("Accept", "")
    if accepts_json:
        response = JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    elif request.headers.get("HX-Request"):
        response = HttpResponse(
            _("Open Chair cannot reach its database right now. Please try again in a moment."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            return outage_response(request)
        return None
