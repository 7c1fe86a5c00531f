"""With the database briefly unreachable, pages answer a friendly 503 and /healthz says
so; when it returns, the app recovers without a restart."""

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from tests.factories import UserFactory
from tests.security.tcpproxy import TcpProxy
from tests.security.test_headers import assert_secure_headers


def database_down():
    return mock.patch.object(
        connection,
        "ensure_connection",
        side_effect=OperationalError("connection to server failed: Connection refused"),
    )


@pytest.mark.django_db
def test_page_answers_a_friendly_503_when_the_database_cannot_be_reached(client):
    client.force_login(UserFactory(role=Role.LEADER))
    with database_down():
        response = client.get(reverse("home_leader"))
    assert response.status_code == 503
    assert b"Open Chair is briefly unavailable" in response.content
    assert response["Retry-After"] == "30"
    assert_secure_headers(response)


@pytest.mark.django_db
def test_htmx_and_json_requests_get_a_short_503(client):
    client.force_login(UserFactory(role=Role.LEADER))
    with database_down():
        partial = client.get(reverse("home_leader"), headers={"HX-Request": "true"})
        as_json = client.get(reverse("home_leader"), headers={"Accept": "application/json"})
    assert partial.status_code == 503
    assert b"<html" not in partial.content
    assert as_json.status_code == 503
    assert as_json.json() == {"status": "unavailable", "database": "unreachable"}


@pytest.mark.django_db
def test_healthz_reports_the_database_down_as_json(client):
    with database_down():
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"].startswith("error: OperationalError")


@pytest.mark.django_db
def test_a_programming_error_is_still_a_500_not_hidden_as_an_outage(client, settings):
    settings.ROOT_URLCONF = "tests.security.urls_probe"
    response = Client(raise_request_exception=False).get("/__probe__/boom")
    assert response.status_code == 500


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_postgres_outage_gives_503_and_the_app_recovers_without_restart(postgres):
    settings_dict = connection.settings_dict
    original = (settings_dict["HOST"], settings_dict["PORT"])
    proxy = TcpProxy(original[0] or "127.0.0.1", original[1] or 5432).start()
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", proxy.port
    try:
        user = UserFactory(role=Role.LEADER)
        client = Client()
        client.force_login(user)
        assert client.get(reverse("home_leader")).status_code == 200
        assert client.get(reverse("healthz")).json()["database"] == "ok"

        proxy.stop()  # the database becomes unreachable, open connections are cut
        page = client.get(reverse("home_leader"))
        assert page.status_code == 503
        assert b"Open Chair is briefly unavailable" in page.content
        health = client.get(reverse("healthz"))
        assert health.status_code == 503
        assert health.json()["database"].startswith("error:")

        proxy.start()  # it is back: the very next request works, no restart
        assert client.get(reverse("home_leader")).status_code == 200
        assert client.get(reverse("healthz")).json() == {
            "status": "ok",
            "database": "ok",
            "broker": client.get(reverse("healthz")).json()["broker"],
        }
    finally:
        proxy.stop()
        connection.close()
        settings_dict["HOST"], settings_dict["PORT"] = original
