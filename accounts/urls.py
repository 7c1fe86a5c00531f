from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .ratelimits import rate_limit

urlpatterns = [
    path("", views.home, name="home"),
    path("home/leader/", views.home_leader, name="home_leader"),
    path("home/facilitator/", views.home_facilitator, name="home_facilitator"),
    path("home/executive/", views.home_executive, name="home_executive"),
    path("home/administrator/", views.home_administrator, name="home_administrator"),
    path(
        "accounts/login/",
        rate_limit("login", "login_address")(
            auth_views.LoginView.as_view(redirect_authenticated_user=True)
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/language/", views.language, name="language"),
    path("healthz", views.healthz, name="healthz"),
]
