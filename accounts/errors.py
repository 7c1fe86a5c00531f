"""Error pages that never make things worse.

Each renders a template from `templates/` without the request context when the
database may be the problem (500, 503), so the error page itself cannot fail.
"""

import logging
import sys

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .outage import is_database_outage, outage_response

logger = logging.getLogger(__name__)


def server_error(request, *args, **kwargs):
    """handler500: a friendly 503 when the database is down, else the plain 500 page."""
    exc = sys.exc_info()[1]
    if exc is not None and is_database_outage(exc):
        return outage_response(request)
    return HttpResponse(render_to_string("500.html"), status=500)


def rate_limited(request, exception=None):
    """settings.RATELIMIT_VIEW: django-ratelimit's `Ratelimited` becomes a 429 page."""
    response = HttpResponse(render_to_string("429.html"), status=429)
    response["Retry-After"] = "300"
    return response


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: explain an expired or foreign form in plain words."""
    if request.headers.get("HX-Request"):
        return HttpResponse(
            _("This form has expired. Reload the page and try again."),
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(render_to_string("403_csrf.html"), status=403)


def login_locked_out(request, response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the clear "sign-in paused" page, status 429."""
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    logger.warning("login locked out after repeated failures")
    return render(request, "registration/lockout.html", {"cooloff_minutes": minutes}, status=429)
