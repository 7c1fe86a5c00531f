"""Walk every URL pattern with every role, on our objects and on someone else's.

The expectations live in `tests/security/matrix.py`; see its docstring for how to add
an entry when you add a URL.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.security.matrix import (
    ADMIN_NAMESPACE,
    ADMIN_PROBES,
    ADMINISTRATOR,
    ALLOWED,
    ANON,
    DENY,
    EXECUTIVE,
    FACILITATOR,
    ID_INPUTS,
    IGNORED,
    LEADER,
    LOGIN,
    OK,
    QUERY,
    REFUSED,
    ROLES,
    ROUTES,
    id_inputs_in_code,
    iter_url_names,
)
from tests.security.world import request_writes

ROUTES_BY_NAME = {route.name: route for route in ROUTES}


def test_every_url_pattern_has_an_entry():
    missing = [
        f"{name}  ({route})"
        for name, route in iter_url_names()
        if name.split(":")[0] != ADMIN_NAMESPACE and name not in ROUTES_BY_NAME
    ]
    assert not missing, (
        "These URL patterns have no entry in the permission matrix. Add a Route for each "
        "to ROUTES in tests/security/matrix.py, saying who may GET/POST it (and scoped=True "
        "for object views):\n  " + "\n  ".join(missing)
    )


def test_matrix_has_no_stale_entries():
    names = {name for name, _ in iter_url_names()}
    stale = sorted(set(ROUTES_BY_NAME) - names)
    assert not stale, f"Remove these entries: no URL pattern has these names: {stale}"


def test_unnamed_url_patterns_are_not_allowed():
    unnamed = [
        route
        for name, route in iter_url_names()
        if "<unnamed" in name and not name.startswith(f"{ADMIN_NAMESPACE}:")
    ]
    assert not unnamed, f"Name every URL pattern so the matrix can cover it: {unnamed}"


def _cases():
    for route in ROUTES:
        for method in ("get", "post"):
            expected = getattr(route, method)
            if expected is None:
                continue
            variants = ["own", "other"] if route.scoped else ["own"]
            for which in variants:
                table = expected if which == "own" else route.expected_other(method)
                for role in ROLES:
                    yield pytest.param(
                        route,
                        method,
                        role,
                        which,
                        table[role],
                        id=f"{route.name}-{method}-{role}-{which}",
                    )


def client_for(world, role, **kwargs) -> Client:
    client = Client(**kwargs)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def call(client, route, method, world, which):
    kwargs = route.kwargs(world, which) if route.kwargs else {}
    url = reverse(route.name, kwargs=kwargs)
    if route.query:
        from urllib.parse import urlencode

        url += "?" + urlencode(route.query(world, which))
    headers = route.headers or {}
    if method == "get":
        return client.get(url, headers=headers)
    data = route.data(world) if route.data else {}
    return client.post(url, data, headers=headers)


def is_login_redirect(response) -> bool:
    login = reverse("login")
    location = response.get("Location", "") or response.get("HX-Redirect", "")
    return (
        response.status_code in (302, 303)
        and location.startswith(login)
        or (response.has_header("HX-Redirect") and response["HX-Redirect"].startswith(login))
    )


def assert_outcome(response, expected, context):
    status = response.status_code
    if expected == LOGIN:
        assert is_login_redirect(response), f"{context}: expected redirect to login, got {status}"
    elif expected == DENY:
        assert status in (403, 404), f"{context}: expected 403/404, got {status}"
    elif expected == OK:
        # Allowed: the permission check passed, whatever the (empty) data made of it.
        assert status < 500, f"{context}: expected an answer, got {status}"
        assert status not in (403, 404, 405), f"{context}: expected to be allowed, got {status}"
        assert not is_login_redirect(response), f"{context}: unexpectedly sent to login"
    else:
        assert status == expected, f"{context}: expected {expected}, got {status}"
        if 300 <= status < 400:
            assert not is_login_redirect(response), f"{context}: unexpectedly sent to login"


def assert_no_contact_details_beyond_scope(world, response, role, context):
    """Least access to contact details (customers/rules.py), on every page of the matrix:
    our leader and facilitator never read the other side's guest (another region, another
    leader's and facilitator's meeting); executives read no contact at all."""
    from tests.security.test_fuzz import body_of

    hidden = {
        LEADER: [world.contact["other"]],
        FACILITATOR: [world.contact["other"]],
        EXECUTIVE: [world.contact["own"], world.contact["other"]],
    }.get(role, [])
    if not hidden:
        return
    body = body_of(response).decode(errors="replace")
    for contact in hidden:
        assert contact.email not in body, f"{context}: {role} read {contact.email}"


def assert_private_no_store(response, context):
    """Pages, partials and exports (and the refusals in between) stay out of shared and
    disk caches: they hold contact details and what guests said."""
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, (
        f"{context}: Cache-Control is {response.get('Cache-Control')!r}, "
        "expected private, no-store (accounts.security.PrivateNoStoreMiddleware)"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method", "role", "which", "expected"), list(_cases()))
def test_permission_matrix(world, route, method, role, which, expected):
    client = client_for(world, role)
    refused = expected in (DENY, LOGIN) or (isinstance(expected, int) and expected >= 400)
    response, changed = request_writes(
        lambda: call(client, route, method, world, which), lambda _: refused and method == "post"
    )
    assert_outcome(response, expected, f"{method.upper()} {route.name} as {role} on {which}")
    assert "Content-Security-Policy" in response, f"{route.name}: no Content-Security-Policy"
    assert_private_no_store(response, f"{method.upper()} {route.name} as {role} on {which}")
    if (route.get or route.post).get(ANON) in (LOGIN, DENY):  # signed links: the link decides
        assert_no_contact_details_beyond_scope(world, response, role, f"{route.name} on {which}")
    assert not changed, f"a refused {route.name} POST as {role} wrote to {changed}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.post and not r.csrf_exempt], ids=lambda r: r.name
)
def test_every_post_needs_a_csrf_token(world, route):
    allowed = [r for r in ROLES if r != ANON and route.post[r] != DENY] or [ANON]
    role = allowed[0]
    client = client_for(world, role, enforce_csrf_checks=True)
    response, changed = request_writes(
        lambda: call(client, route, "post", world, "own"), lambda _: True
    )
    assert response.status_code == 403, f"{route.name} accepted a POST without a CSRF token"
    assert not changed, f"{route.name} wrote to {changed} without a CSRF token"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ADMIN_PROBES)
def test_admin_site_is_for_the_administrator_role_only(world, role, name):
    # The role decides, not the staff flag: take it from the administrator, give it to
    # everyone else behind the signals' back (as a hand-edited database would).
    User = get_user_model()
    User.objects.filter(pk=world.users[ADMINISTRATOR].pk).update(is_staff=False)
    User.objects.exclude(pk=world.users[ADMINISTRATOR].pk).update(is_staff=True)
    response = client_for(world, role).get(reverse(name))
    if role == ADMINISTRATOR:
        assert response.status_code == 200, f"{name}: administrator got {response.status_code}"
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ADMIN_PROBES)
def test_admin_site_opens_for_a_superuser(world, name):
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get(reverse(name)).status_code == 200


def _head_cases():
    for route in ROUTES:
        if route.get is None:
            continue
        role = next((r for r in ROLES if route.get.get(r) == 200), None)
        if role is not None:
            yield pytest.param(route, role, id=f"{route.name}-{role}")


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "role"), list(_head_cases()))
def test_every_page_answers_head_as_it_answers_get(world, route, role):
    """Load balancers and uptime checks probe with HEAD: what answers GET answers HEAD,
    with the same status and headers and no body."""
    client = client_for(world, role)
    kwargs = route.kwargs(world, "own") if route.kwargs else {}
    url = reverse(route.name, kwargs=kwargs)
    if route.query:
        from urllib.parse import urlencode

        url += "?" + urlencode(route.query(world, "own"))
    response = client.head(url, headers=route.headers or {})
    assert response.status_code == 200, f"HEAD {route.name} as {role}: {response.status_code}"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body == b""
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["healthz", "home"])
def test_load_balancer_probes_answer_head(client, name):
    response = client.head(reverse(name))
    assert response.status_code in (200, 302), f"HEAD {name}: {response.status_code}"


# --- Ids a user can send (matrix.ID_INPUTS) ------------------------------------------------


def test_every_id_input_has_an_entry():
    listed = {entry.source for entry in ID_INPUTS}
    missing = sorted(id_inputs_in_code() - listed)
    assert not missing, (
        "These ids a user can send have no entry in ID_INPUTS (tests/security/matrix.py). "
        "Add an IdInput for each: the route that reads it, the other side's object to send "
        "and whether it must be REFUSED, IGNORED or is ALLOWED by the rules (say why):\n  "
        + "\n  ".join(missing)
    )


def test_id_input_entries_are_not_stale():
    stale = sorted({entry.source for entry in ID_INPUTS} - id_inputs_in_code())
    assert not stale, f"Remove these ID_INPUTS entries: the code reads no such id: {stale}"
    routes = {route.name for route in ROUTES}
    assert all(entry.route in routes for entry in ID_INPUTS)
    assert all(entry.note for entry in ID_INPUTS if entry.outcome == ALLOWED)


def _send(client, world, entry, value):
    from urllib.parse import urlencode

    from tests.security.test_fuzz import body_of

    route = ROUTES_BY_NAME[entry.route]
    url = reverse(route.name, kwargs=route.kwargs(world, "own") if route.kwargs else {})
    query = route.query(world, "own") if route.query else {}
    data = entry.data(world) if entry.data else {}
    if entry.where == QUERY:
        response = client.get(url + "?" + urlencode({**query, **data, entry.name: value}))
    else:
        if query:
            url += "?" + urlencode(query)
        response = client.post(url, {**data, entry.name: value}, headers=route.headers or {})
    # The body, and where a redirect leads.
    return response, body_of(response).decode(errors="replace") + response.get("Location", "")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "entry", ID_INPUTS, ids=lambda e: f"{e.route}-{e.where}-{e.name}-{e.outcome.lower()}"
)
def test_the_other_sides_id_is_refused_or_ignored(world, entry):
    from tests.security.test_fuzz import looks_rejected

    client = client_for(world, entry.role, raise_request_exception=False)
    other = entry.other(world) if entry.other else None
    secret = entry.secret(world) if entry.secret else None
    if entry.where == QUERY:
        _send(client, world, entry, "")  # a page may set itself up on its first GET
    (response, body), changed = request_writes(
        lambda: _send(client, world, entry, other), lambda _: entry.outcome != ALLOWED
    )
    context = f"{entry.route} with {entry.name}={other} ({entry.where}) as {entry.role}"
    assert response.status_code < 500, f"{context}: {response.status_code}"
    if entry.outcome == ALLOWED:
        return
    assert not changed, f"{context} wrote to {changed}"
    if secret:
        assert secret not in body, f"{context} showed the other side's {secret!r}"
    if entry.outcome == REFUSED:
        assert response.status_code in (400, 403, 404) or looks_rejected(response), (
            f"{context}: expected a refusal, got {response.status_code}"
        )
    else:
        assert entry.outcome == IGNORED
        assert response.status_code < 400, (
            f"{context}: expected it ignored, got {response.status_code}"
        )
    if entry.own is not None:
        # The same form with our own object goes through: the refusal was the id's doing.
        response, _ = _send(client, world, entry, entry.own(world))
        context = f"{entry.route} with our own {entry.name}"
        assert response.status_code < 400, f"{context}: {response.status_code}"
        assert not looks_rejected(response), f"{context} was refused"
