from django.urls import path

from . import proposal_views, views

app_name = "invitations"

urlpatterns = [
    path("meeting/<int:pk>/", views.meeting_invitations, name="meeting"),
    path("meeting/<int:pk>/preview/<int:booking_pk>/", views.preview_html, name="preview_html"),
    path("meeting/<int:pk>/update/", views.send_update, name="update"),
    path("meeting/<int:pk>/nudge/", views.send_nudge, name="nudge"),
    path("meeting/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("meeting/<int:pk>/answer/<int:booking_pk>/", views.record_answer, name="record_answer"),
    path("next-month/", proposal_views.proposals, name="proposals"),
    path("next-month/book/", proposal_views.proposal_accept, name="proposal_accept"),
    path("rsvp/<str:token>/", views.rsvp, name="rsvp"),
]
