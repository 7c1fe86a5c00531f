"""Filters, search boxes and pagination read request.GET; bad values get a clear answer.

PostgreSQL refuses text with a NUL byte, so QueryStringGuardMiddleware refuses it first
(400 with a message); other odd values (huge numbers, digits int() rejects, lists) are
ignored or shown as form errors by each page. The fuzz test (test_fuzz.py) throws random
values at every page; these tests pin the cases that once gave a 500.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.security.matrix import ROUTES
from tests.security.test_fuzz import GUESSED_QUERY_PARAMETERS, get_roles

GET_ROUTES = [route for route in ROUTES if route.get and route.fuzz]


def _client(world, role):
    client = Client(raise_request_exception=False)
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("route", GET_ROUTES, ids=lambda route: route.name)
def test_nul_byte_in_any_query_parameter_is_refused_with_a_message(world, route):
    role = get_roles(route)[0]
    client = _client(world, role)
    url = reverse(route.name, kwargs=route.kwargs(world, "own") if route.kwargs else {})
    for name in ("q", "page", "region", "status"):
        response = client.get(url, {name: "a\x00b"})
        assert response.status_code == 400, (route.name, name, response.status_code)
        assert b"NUL byte" in response.content
    response = client.get(url, {"a\x00": "1"})
    assert response.status_code == 400


@pytest.mark.django_db
def test_nul_byte_refusal_names_the_problem_and_offers_a_way_home(world, client):
    client.force_login(world.users["leader"])
    response = client.get(reverse("customers:list"), {"q": "acme\x00"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "not allowed" in body
    assert 'href="/"' in body


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "9" * 40, "-9223372036854775809", "١٢", "", " "])
@pytest.mark.parametrize("route", GET_ROUTES, ids=lambda route: route.name)
def test_odd_numbers_in_filters_never_break_a_page(world, route, value):
    for role in get_roles(route):
        client = _client(world, role)
        url = reverse(route.name, kwargs=route.kwargs(world, "own") if route.kwargs else {})
        params = dict.fromkeys(GUESSED_QUERY_PARAMETERS, value)
        response = client.get(url, params)
        assert response.status_code < 500, (route.name, role, value, response.status_code)
