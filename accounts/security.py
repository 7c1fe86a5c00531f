"""Request size guard: a body larger than MAX_REQUEST_BYTES is refused before parsing.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves uploaded files out of its count, and
gunicorn sets no body limit, so without this a single request could fill the disk
with a temporary upload. The largest legitimate body is a CSV import (MAX_IMPORT_BYTES).
"""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string


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
