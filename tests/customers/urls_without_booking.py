"""The project's URLs without meetings' pages: customers must work on its own."""

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [p for p in project_urlpatterns if getattr(p, "namespace", None) != "meetings"]
