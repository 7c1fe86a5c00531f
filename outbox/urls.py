from django.urls import path

from . import views

app_name = "outbox"

urlpatterns = [
    path("", views.mail_list, name="list"),
    path("<int:pk>/", views.mail_detail, name="detail"),
    path("<int:pk>/html/", views.mail_html, name="html"),
    path("<int:pk>/retry/", views.mail_retry, name="retry"),
    path("opt-out/<str:token>/", views.opt_out, name="opt_out"),
]
