"""The project's URLs plus a stand-in for meetings' `book_contact` page."""

from django.http import HttpResponse
from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

meetings_patterns = (
    [path("book/", lambda request: HttpResponse("booking"), name="book_contact")],
    "meetings",
)

urlpatterns = [
    path("meetings-stand-in/", include(meetings_patterns)),
    *[p for p in project_urlpatterns if getattr(p, "namespace", None) != "meetings"],
]
