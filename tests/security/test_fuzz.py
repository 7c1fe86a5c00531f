"""Robustness: random, oversized, unicode, NUL-byte and wrong-type input to every form
and htmx endpoint never gives a 500 and never leaves a partial write.

Endpoints come from the permission matrix: every route that accepts a POST (and every
GET form found on a page) is fuzzed as a role allowed to use it, with the form's field
names discovered from the page itself (hidden ones included) and every id the route
reads listed in the matrix's ID_INPUTS (the hidden ids of small POST-only actions). Examples per form: the Hypothesis profile
("ci": 100 when REQUIRE_SERVICES=1 or HYPOTHESIS_PROFILE=ci, "dev": 25 otherwise,
"deep": 500 on demand); a
page with no form gets 20 examples of guessed query parameters.

"Never a partial write": whenever the input is refused (an error status, the form again
with its errors, or a redirect with an error message), every table holds exactly what
it held before. The statements each request runs are watched; the tables a refused
request wrote to are compared by content (an UPDATE counts too) with the same tables
rolled back to a savepoint taken before it.
"""

import pytest
from django.contrib import messages
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.forms import find_forms
from tests.security.matrix import ANON, DENY, ID_INPUTS, LEADER, LOGIN, OK, QUERY, ROLES, ROUTES
from tests.security.world import request_writes

NASTY_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=50),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "<script>alert(1)</script>",
            "'; DROP TABLE customers_contact; --",
            "9" * 40,
            "-1",
            "0",
            "1e309",
            "NaN",
            "2026-02-30",
            "31/12/2026",
            "2026-01-01T25:61",
            "Europe/Nowhere",
            "ZZ",
            "\u202eevil",
            "😀" * 100,
            "x" * 20_000,
            "true",
            "null",
            "[]",
            "{}",
            "²",  # str.isdigit() says yes, int() says no
            "١٢",  # Arabic-Indic digits: int() accepts them
            " 7 ",
            "1.5",
            "0x10",
            "-9223372036854775809",
            "9223372036854775808",  # one past bigint: OverflowError on SQLite once
            "18446744073709551616",
            "1\x00",
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


def value_strategy(options: list[str]):
    values = NASTY_TEXT if not options else st.one_of(st.sampled_from(options), NASTY_TEXT)
    # Sometimes several values for one name (wrong type for a single-value field).
    return st.one_of(values, st.lists(values, min_size=2, max_size=4))


def payload_strategy(fields: dict[str, list[str]]):
    known = st.fixed_dictionaries(
        {},
        optional={name: value_strategy(options) for name, options in fields.items()},
    )
    extra = st.dictionaries(st.text(min_size=1, max_size=20), NASTY_TEXT, max_size=3)
    return st.tuples(known, extra).map(lambda pair: {**pair[1], **pair[0]})


def body_of(response) -> bytes:
    """The whole body, streamed (CSV/JSON exports) or not."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def looks_rejected(response) -> bool:
    """The input was refused: an error status, a form shown again with its errors, or a
    redirect carrying an error message (the pattern of the small POST-only forms)."""
    if response.status_code >= 400:
        return True
    if response.status_code == 200:
        body = body_of(response)
        if b"errorlist" in body or b"field--error" in body or b'role="alert"' in body:
            return True
    storage = getattr(getattr(response, "wsgi_request", None), "_messages", None)
    # Only the messages this request added: the client's cookie still carries earlier
    # examples' messages, which the storage loads too.
    added = getattr(storage, "_queued_messages", [])
    return any(message.level >= messages.ERROR for message in added)


def fuzz_role(route, method):
    table = getattr(route, method)
    allowed = [r for r in ROLES if r != ANON and table[r] not in (LOGIN, DENY)]
    return allowed[0] if allowed else ANON


# Query parameters the views read from request.GET (filters, pagination, sort, tokens),
# fuzzed on every page whether or not the page shows a form for them.
GUESSED_QUERY_PARAMETERS = (
    "page", "q", "sort", "order", "format", "region", "month", "next", "status", "kind",
    "meeting", "guest", "action", "scope", "mine", "year", "all_regions", "regions",
    "since", "rev", "before", "feedback", "new", "old", "answer", "contact", "theme", "from", "to",
)  # fmt: skip


def get_roles(route) -> list[str]:
    """Every role that can open the page (200), or the one fuzz_role picks if none can."""
    opens = [r for r in ROLES if route.get.get(r) == 200]
    return opens or [fuzz_role(route, "get")]


def _targets():
    for route in ROUTES:
        if not route.fuzz:
            continue
        if route.post:
            yield pytest.param(route, "post", fuzz_role(route, "post"), id=f"{route.name}-post")
        if route.get:
            # Each role may see other filters (regions, meetings) and other code paths.
            for role in get_roles(route):
                yield pytest.param(route, "get", role, id=f"{route.name}-get-{role}")


@pytest.fixture
def relaxed_limits(settings):
    # Every example is rolled back, axes' rows with it; the cache-based limits are not.
    settings.RATE_LIMITS = {
        name: {**limit, "rate": "100000/s"} for name, limit in settings.RATE_LIMITS.items()
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method", "role"), list(_targets()))
def test_fuzzed_input_never_breaks_a_form(world, relaxed_limits, route, method, role):
    client = Client(raise_request_exception=False)
    if world.users[role] is not None:
        client.force_login(world.users[role])
    kwargs = route.kwargs(world, "own") if route.kwargs else {}
    url = reverse(route.name, kwargs=kwargs)
    if route.query:
        from urllib.parse import urlencode

        url += "?" + urlencode(route.query(world, "own"))
    headers = route.headers or {}

    fields: dict[str, list[str]] = {}
    if route.data:
        fields.update({name: [str(value)] for name, value in route.data(world).items()})
    if route.get and route.get.get(role) in (200, OK):
        page = client.get(url, headers=headers)
        for form in find_forms(body_of(page).decode(errors="replace")):
            path = url.split("?")[0]
            if form.method == method and (not form.action or form.action.split("?")[0] == path):
                for name, options in form.fields.items():
                    fields.setdefault(name, []).extend(options)
    # Every id the route reads (matrix.ID_INPUTS), hidden fields of other pages' forms too.
    for entry in ID_INPUTS:
        if entry.route == route.name and (entry.where == QUERY) == (method == "get"):
            fields.setdefault(entry.name, [])
    examples = None  # the profile's number: 100 in CI
    if method == "get":
        if not fields:
            examples = 20  # no form on the page: only guessed query parameters
        for name in GUESSED_QUERY_PARAMETERS:
            fields.setdefault(name, [])

    wanted = examples or settings.default.max_examples
    tried = []

    @settings(
        max_examples=wanted,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(payload=payload_strategy(fields), htmx=st.booleans())
    def check(payload, htmx):
        tried.append(1)
        request_headers = {**headers, **({"HX-Request": "true"} if htmx else {})}
        with transaction.atomic():
            if method == "post":
                response, changed = request_writes(
                    lambda: client.post(url, payload, headers=request_headers), looks_rejected
                )
            else:
                response, changed = client.get(url, payload, headers=request_headers), []
            assert response.status_code < 500, (
                f"{method.upper()} {route.name} as {role} answered {response.status_code} "
                f"for {payload!r}"
            )
            assert not changed, f"{route.name}: rejected input {payload!r} still wrote to {changed}"
            transaction.set_rollback(True)

    check()
    # The profile's number is a ceiling for Hypothesis; make sure it was reached.
    assert len(tried) >= wanted, f"only {len(tried)} of {wanted} examples were tried"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "method", "role"), [t.values for t in _targets() if t.values[1] == "post"]
)
def test_wrong_content_type_body_is_refused_cleanly(world, relaxed_limits, route, method, role):
    client = Client(raise_request_exception=False)
    if world.users[role] is not None:
        client.force_login(world.users[role])
    url = reverse(route.name, kwargs=route.kwargs(world, "own") if route.kwargs else {})
    for content_type, body in [
        ("application/json", b'{"a": [1, 2, {"b": null}]}'),
        ("multipart/form-data; boundary=xyz", b"--xyz\r\nbroken"),
        ("application/x-www-form-urlencoded", b"a=%ZZ&%00=\xff\xfe"),
        ("text/plain", b"\x00\x01\x02" * 100),
    ]:
        with transaction.atomic():
            response, changed = request_writes(
                lambda body=body, content_type=content_type: client.post(
                    url, body, content_type=content_type, headers=route.headers or {}
                ),
                looks_rejected,
            )
            assert response.status_code < 500, (route.name, content_type, response.status_code)
            assert not changed, (route.name, content_type, changed)
            transaction.set_rollback(True)


@pytest.mark.django_db
def test_oversized_request_body_is_refused_before_parsing(client, settings):
    settings.MAX_REQUEST_BYTES = 10_000
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("big.csv", b"a,b\n" * 5000, content_type="text/csv")
    response = client.post(reverse("login"), {"file": upload, "username": "x"})
    assert response.status_code == 413
    assert b"too large" in response.content


@pytest.mark.django_db
def test_partial_write_check_sees_refusals_and_updates(world):
    """The harness itself: a redirect with an error message counts as refused, a success
    message does not, and an UPDATE of one field changes the database state."""
    client = Client()
    client.force_login(world.users[LEADER])
    version = world.charter_version["own"]
    url = reverse("actions:charter_item_add", args=[version.pk])
    refused = client.post(url, {"category": "nonsense", "text": ""})
    assert refused.status_code == 302
    assert looks_rejected(refused)
    accepted = client.post(url, {"category": "other", "text": "Reply within a day"})
    assert accepted.status_code == 302
    assert not looks_rejected(accepted)
    item = world.charter_item["own"]

    def update_in_place():
        type(item).objects.filter(pk=item.pk).update(text="Changed in place")
        return refused

    with transaction.atomic():
        _, changed = request_writes(update_in_place, looks_rejected)
        assert changed == ["actions_charteritem"]
        transaction.set_rollback(True)
    with transaction.atomic():
        _, changed = request_writes(lambda: refused, looks_rejected)
        assert changed == []
        transaction.set_rollback(True)
