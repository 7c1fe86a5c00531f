from django.urls import path

from . import views

app_name = "actions"

urlpatterns = [
    path("", views.action_list, name="list"),
    path("mine/", views.action_mine, name="mine"),
    path("overdue/", views.action_overdue, name="overdue"),
    path("regions/", views.action_by_region, name="by_region"),
    path("new/", views.action_create, name="create"),
    path("<int:pk>/", views.action_detail, name="detail"),
    path("<int:pk>/edit/", views.action_edit, name="edit"),
    path("<int:pk>/status/", views.action_status, name="status"),
    path("recover/<int:item_pk>/", views.recover_now, name="recover_now"),
    # "You said, we did"
    path("meetings/<int:meeting_pk>/follow-up/", views.follow_up_compose, name="follow_up_compose"),
    path(
        "meetings/<int:meeting_pk>/follow-up/preview/",
        views.follow_up_preview,
        name="follow_up_preview",
    ),
    path("meetings/<int:meeting_pk>/follow-up/send/", views.follow_up_send, name="follow_up_send"),
    path("you-said-we-did/<str:token>/", views.follow_up_public, name="follow_up_public"),
    # The guest's standing page, and their answers on the charter (signed link).
    path("guest/<str:token>/", views.guest_page_view, name="guest_page"),
    path("guest/<str:token>/charter/", views.guest_endorse, name="guest_endorse"),
    # Charter
    path("charter/", views.charter_list, name="charter_list"),
    path("charter/<int:pk>/", views.charter_detail, name="charter_detail"),
    path("charter/<int:pk>/draft/", views.charter_new_draft, name="charter_new_draft"),
    path("charter/<int:pk>/diff/", views.charter_diff, name="charter_diff"),
    path("charter/<int:pk>/missing/", views.charter_missing, name="charter_missing"),
    path("charter/<int:pk>/missing/promote/", views.charter_promote, name="charter_promote"),
    path("charter/<int:pk>/heard/", views.charter_heard, name="charter_heard"),
    path("charter/versions/<int:pk>/", views.charter_version, name="charter_version"),
    path("charter/versions/<int:pk>/items/", views.charter_item_add, name="charter_item_add"),
    path(
        "charter/versions/<int:pk>/<str:step>/",
        views.charter_version_transition,
        name="charter_version_transition",
    ),
    path("charter/items/<int:pk>/", views.charter_item_edit, name="charter_item_edit"),
    path("charter/items/<int:item_pk>/measures/", views.measure_add, name="measure_add"),
    path("charter/measures/<int:pk>/values/", views.measure_record, name="measure_record"),
]
