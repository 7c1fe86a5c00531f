"""The project's URLs plus a few probes that produce response types no page may lack.

Only for tests: a CSV download and a view that fails, to see the headers every kind of
response gets (the middleware is the same for all of them).
"""

import csv

from django.http import HttpResponse
from django.urls import path

from config.urls import handler500  # noqa: F401 - the project's handler, kept here
from config.urls import urlpatterns as project_urlpatterns


def csv_probe(request):
    response = HttpResponse(content_type="text/csv")
    csv.writer(response).writerow(["theme", "count"])
    return response


def boom(request):
    raise RuntimeError("a bug")


def outage(request):
    from django.db import OperationalError

    raise OperationalError("could not connect to server: Connection refused")


urlpatterns = [
    path("__probe__/csv", csv_probe),
    path("__probe__/boom", boom),
    path("__probe__/outage", outage),
    *project_urlpatterns,
]
