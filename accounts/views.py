import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from . import homes
from .forms import LanguageForm
from .language import language_cookie
from .models import Role
from .services import user_set_language

ROLE_HOMES = {
    Role.LEADER.value: "home_leader",
    Role.FACILITATOR.value: "home_facilitator",
    Role.EXECUTIVE.value: "home_executive",
    Role.ADMINISTRATOR.value: "home_administrator",
}


@require_safe
@login_required
def home(request):
    """Send each user to the home page of their main role."""
    role = request.user.primary_role
    if role is None:
        return render(request, "accounts/no_role.html", status=403)
    return redirect(ROLE_HOMES[role])


def _role_home(role: Role, permission: str):
    @require_safe
    @login_required
    def view(request):
        if not request.user.has_perm(permission):
            raise PermissionDenied
        context = homes.context_for(role, request.user)
        return render(request, f"accounts/home_{role.value.lower()}.html", context)

    view.__name__ = f"home_{role.value.lower()}"
    return view


home_leader = _role_home(Role.LEADER, "accounts.view_leader_home")
home_facilitator = _role_home(Role.FACILITATOR, "accounts.view_facilitator_home")
home_executive = _role_home(Role.EXECUTIVE, "accounts.view_executive_home")
home_administrator = _role_home(Role.ADMINISTRATOR, "accounts.view_administrator_home")


def _database_status() -> str:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return f"error: {type(exc).__name__}"
    return "ok"


def _broker_status() -> str:
    if not settings.REDIS_URL:
        return "not configured"

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return f"error: {type(exc).__name__}"
    return "ok"


# Not inside ATOMIC_REQUESTS' transaction: opening it would need the database it checks.
@transaction.non_atomic_requests
@never_cache
@require_safe
def healthz(request):
    """Liveness and readiness in one: 200 when every configured service answers."""
    checks = {"database": _database_status(), "broker": _broker_status()}
    healthy = all(value in ("ok", "not configured") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def language(request):
    """The signed-in user's language: saved on their account, applied from the next page
    on (accounts.language keeps the language cookie equal to it)."""
    if request.method == "POST":
        form = LanguageForm(request.POST)
        if form.is_valid():
            chosen = form.cleaned_data["language"]
            user_set_language(user=request.user, language=chosen)
            with translation.override(chosen or request.LANGUAGE_CODE):
                messages.success(request, _("Your language is saved."))
            response = redirect("language")
            language_cookie(response, chosen)
            return response
    else:
        form = LanguageForm(initial={"language": request.user.language})
    return render(request, "accounts/language.html", {"form": form})
