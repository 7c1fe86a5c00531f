import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import Role, User
from tests.factories import UserFactory


@pytest.mark.django_db
def test_roles_exist_as_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "home"),
    [
        (Role.LEADER, "home_leader"),
        (Role.FACILITATOR, "home_facilitator"),
        (Role.EXECUTIVE, "home_executive"),
        (Role.ADMINISTRATOR, "home_administrator"),
    ],
)
def test_each_role_lands_on_its_own_home_page(client, role, home):
    user = UserFactory(role=role)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(home)
    page = client.get(response.url)
    assert page.status_code == 200
    assert f"{role.label}".encode() in page.content


@pytest.mark.django_db
def test_a_role_cannot_open_another_roles_home(client):
    client.force_login(UserFactory(role=Role.EXECUTIVE))
    assert client.get(reverse("home_leader")).status_code == 403


@pytest.mark.django_db
def test_user_without_role_is_told_to_ask_an_administrator(client):
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert b"Ask an administrator" in response.content


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_login_page_logs_in_with_username_and_password(client):
    UserFactory(username="lena", role=Role.LEADER)
    response = client.post(reverse("login"), {"username": "lena", "password": "pass-word-123"})
    assert response.status_code == 302
    assert client.get(reverse("home")).url == reverse("home_leader")


@pytest.mark.django_db
def test_wrong_password_shows_a_clear_message(client):
    UserFactory(username="lena")
    response = client.post(reverse("login"), {"username": "lena", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


@pytest.mark.django_db
def test_base_template_sends_csrf_on_htmx_and_has_skip_link(client):
    client.force_login(UserFactory(role=Role.LEADER))
    html = client.get(reverse("home_leader")).content.decode()
    assert 'hx-headers=\'{"x-csrftoken": "' in html
    assert 'href="#main"' in html
    assert "vendor/htmx-2.0.11.min.js" in html
    assert "<script>" not in html  # no inline scripts (CSP)


@pytest.mark.django_db
def test_navigation_follows_role(client):
    client.force_login(UserFactory(role=Role.EXECUTIVE))
    html = client.get(reverse("home_executive")).content.decode()
    assert "Administration" not in html


@pytest.mark.django_db
def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["database"] == "ok"


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_unreachable(client, settings):
    from tests.services import free_port

    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["broker"].startswith("error")


@pytest.mark.django_db
def test_healthz_reports_broker_ok_with_real_redis(client, settings, redis_url):
    settings.REDIS_URL = redis_url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content)["broker"] == "ok"


@pytest.mark.django_db
def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = {m: m.objects.count() for m in (User, Group)}
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert {m: m.objects.count() for m in (User, Group)} == counts
    for username in ("admin", "leader", "facilitator", "executive"):
        assert User.objects.get(username=username).check_password("open-chair-demo")


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("seed_demo")
