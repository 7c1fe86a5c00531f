"""Repeated failed logins lock the account out for a while; named rate limits answer 429."""

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import Role
from accounts.ratelimits import client_ip, rate_limit
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # rate-limit counters from earlier tests


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_five_wrong_passwords_pause_sign_in_with_a_clear_page(client, settings):
    user = UserFactory(role=Role.LEADER)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, user.username, "wrong")
        assert response.status_code == 200
        assert b"Please enter a correct username and password" in response.content
    response = login(client, user.username, "wrong")
    assert response.status_code == 429
    assert b"Sign-in paused for this account" in response.content
    assert b"15 minutes" in response.content
    # Even the right password is refused while the lockout lasts.
    response = login(client, user.username, "pass-word-123")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_lifts_after_the_cool_off(client, settings, time_machine):
    user = UserFactory(role=Role.LEADER)
    time_machine.move_to("2026-01-05 09:00:00+00:00")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, user.username, "wrong")
    assert login(client, user.username, "pass-word-123").status_code == 429
    time_machine.move_to("2026-01-05 09:16:00+00:00")
    response = login(client, user.username, "pass-word-123")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_lockout_of_one_address_does_not_lock_the_user_out_elsewhere(settings):
    user = UserFactory(role=Role.LEADER)
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(attacker, user.username, "wrong")
    assert login(attacker, user.username, "pass-word-123").status_code == 429
    colleague = Client(REMOTE_ADDR="198.51.100.7")
    assert login(colleague, user.username, "pass-word-123").status_code == 302


@pytest.mark.django_db
def test_successful_login_resets_the_failure_count(client, settings):
    user = UserFactory(role=Role.LEADER)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, user.username, "wrong")
    assert login(client, user.username, "pass-word-123").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, user.username, "wrong")
    assert login(client, user.username, "pass-word-123").status_code == 302


@pytest.mark.django_db
def test_an_office_of_200_signing_in_at_nine_behind_one_address_is_never_limited(client, settings):
    people = [UserFactory(username=f"colleague{n}") for n in range(200)]
    for person in people:  # each makes a typo first, then signs in
        assert login(client, person.username, "typo").status_code == 200
        assert login(client, person.username, "pass-word-123").status_code == 302
        client.logout()


@pytest.mark.django_db
def test_guessing_one_account_from_one_address_is_rate_limited(client, settings):
    settings.AXES_FAILURE_LIMIT = 1000  # the lockout is tested above; here, the rate limit
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "login": {**settings.RATE_LIMITS["login"], "rate": "3/m"},
    }
    for _ in range(3):
        assert login(client, "lena", "guess").status_code == 200
    assert login(client, "LENA ", "guess").status_code == 429
    assert login(client, "someone-else", "guess").status_code == 200  # another account


@pytest.mark.django_db
def test_password_spraying_from_one_address_is_rate_limited(client, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "login_address": {**settings.RATE_LIMITS["login_address"], "rate": "3/m"},
    }
    for n in range(3):
        assert login(client, f"someone{n}", "guess").status_code == 200
    response = login(client, "someone-else", "guess")
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert response["Retry-After"]
    # Reading the login page is not counted.
    assert client.get(reverse("login")).status_code == 200


def _view(request):
    return HttpResponse("ok")


@pytest.mark.parametrize("name", ["rsvp", "guest_comment", "guest_link", "csv_import"])
def test_each_named_limit_answers_429_once_exceeded(settings, name):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        name: {**settings.RATE_LIMITS[name], "rate": "2/m"},
    }
    view = rate_limit(name)(_view)
    factory = RequestFactory()
    from django.contrib.auth.models import AnonymousUser

    def call():
        request = factory.post("/", REMOTE_ADDR="192.0.2.1")
        request.user = AnonymousUser()
        request.resolver_match = type("Match", (), {"kwargs": {"token": "abc"}})()
        return view(request)

    assert call().status_code == 200
    assert call().status_code == 200
    from django_ratelimit.exceptions import Ratelimited

    with pytest.raises(Ratelimited):
        call()


def test_unknown_limit_name_fails_at_import_time():
    with pytest.raises(KeyError, match="No rate limit named"):
        rate_limit("no-such-limit")


def test_rate_limit_fails_open_when_the_cache_is_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    # (Changing CACHES makes Django rebuild its cache connections.)
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.1")
    request.user = AnonymousUser()
    assert rate_limit("rsvp")(_view)(request).status_code == 200


def test_client_address_behind_a_proxy_is_the_hop_the_proxy_appended(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5"
    )
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "10.0.0.2"
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "203.0.113.5"
