from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("accounts.urls")),
    path("customers/", include("customers.urls")),
    path("meetings/", include("meetings.urls")),
    path("outbox/", include("outbox.urls")),
    path("invitations/", include("invitations.urls")),
    path("feedback/", include("feedback.urls")),
    path("actions/", include("actions.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
]
