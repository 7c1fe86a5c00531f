from django.urls import path

from . import views

app_name = "invitations"

urlpatterns = [
    path("meeting/<int:pk>/", views.meeting_invitations, name="meeting"),
    path("meeting/<int:pk>/preview/<int:booking_pk>/", views.preview_html, name="preview_html"),
    path("meeting/<int:pk>/update/", views.send_update, name="update"),
    path("meeting/<int:pk>/nudge/", views.send_nudge, name="nudge"),
    path("meeting/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("meeting/<int:pk>/answer/<int:booking_pk>/", views.record_answer, name="record_answer"),
    path("rsvp/<str:token>/", views.rsvp, name="rsvp"),
]
