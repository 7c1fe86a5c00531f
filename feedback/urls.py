from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("meetings/<int:meeting_id>/capture/", views.capture, name="capture"),
    path("meetings/<int:meeting_id>/capture/items/", views.capture_post, name="capture_post"),
    path(
        "meetings/<int:meeting_id>/capture/poll/", views.capture_items_partial, name="capture_poll"
    ),
    path("meetings/<int:meeting_id>/capture/older/", views.capture_older, name="capture_older"),
    path(
        "meetings/<int:meeting_id>/capture/section/", views.capture_section, name="capture_section"
    ),
    path("meetings/<int:meeting_id>/guest-link.svg", views.guest_qr, name="guest_qr"),
    path("meetings/<int:meeting_id>/export.csv", views.export_csv, name="export_csv"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("g/<str:token>/", views.guest_comment, name="guest_comment"),
]
