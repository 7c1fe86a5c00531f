"""Every kind of response carries the Content Security Policy and the security headers."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def parse_csp(header: str) -> dict[str, str]:
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value.strip()
    return directives


def assert_secure_headers(response):
    assert "Content-Security-Policy" in response, f"no CSP on {response.status_code} response"
    csp = parse_csp(response["Content-Security-Policy"])
    for directive, value in EXPECTED_CSP.items():
        assert csp.get(directive) == value, (directive, response["Content-Security-Policy"])
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def probe_urls(settings):
    settings.ROOT_URLCONF = "tests.security.urls_probe"


@pytest.mark.django_db
def test_login_page_has_strict_csp(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_secure_headers(response)


@pytest.mark.django_db
def test_html_page_has_strict_csp(client):
    client.force_login(UserFactory(role=Role.LEADER))
    response = client.get(reverse("home_leader"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert_secure_headers(response)


@pytest.mark.django_db
def test_htmx_partial_has_strict_csp(client):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    response = client.get(reverse("audit:list"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b"<html" not in response.content  # a partial, not the page
    assert_secure_headers(response)


@pytest.mark.django_db
def test_json_response_has_strict_csp(client):
    response = client.get(reverse("healthz"))
    assert response["Content-Type"] == "application/json"
    assert_secure_headers(response)


@pytest.mark.django_db
def test_csv_download_has_strict_csp(client, probe_urls):
    response = client.get("/__probe__/csv")
    assert response["Content-Type"].startswith("text/csv")
    assert_secure_headers(response)


@pytest.mark.django_db
def test_not_found_page_has_strict_csp_and_a_way_home(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert_secure_headers(response)


@pytest.mark.django_db
def test_forbidden_page_has_strict_csp(client):
    client.force_login(UserFactory(role=Role.EXECUTIVE))
    response = client.get(reverse("home_leader"))
    assert response.status_code == 403
    assert b"not allowed" in response.content
    assert_secure_headers(response)


@pytest.mark.django_db
def test_server_error_page_is_friendly_and_has_strict_csp(probe_urls):
    client = Client(raise_request_exception=False)
    response = client.get("/__probe__/boom")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"RuntimeError" not in response.content
    assert_secure_headers(response)


def _bad_request(client):
    return client.get(reverse("login") + "?next=%00")


def _too_large(client, settings):
    settings.MAX_REQUEST_BYTES = 1_000
    return client.post(reverse("login"), {"username": "x" * 5_000})


def _locked_out(client, settings):
    from django.core.cache import cache

    cache.clear()
    user = UserFactory(role=Role.LEADER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": user.username, "password": "no"})
    return response


def _csrf_refused(client, settings):
    return Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"})


def _redirect_to_login(client):
    return client.get(reverse("home_leader"))


def _database_outage(client, settings):
    settings.ROOT_URLCONF = "tests.security.urls_probe"
    return Client(raise_request_exception=False).get("/__probe__/outage")


def _administration(client):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    return client.get(reverse("admin:index"))


def _guest_link_page(client):
    from invitations.tokens import rsvp_token
    from tests.factories import BookingFactory

    return client.get(reverse("invitations:rsvp", args=[rsvp_token(BookingFactory())]))


def _streamed_export(client):
    client.force_login(UserFactory(role=Role.EXECUTIVE))
    response = client.get(reverse("dashboard:export_csv"))
    assert response.streaming
    return response


# Page types beyond the ones above, each with the status it must have.
PAGE_TYPES = {
    "bad request (NUL byte in the query string)": (_bad_request, 400),
    "request too large": (_too_large, 413),
    "sign-in locked out": (_locked_out, 429),
    "CSRF failure": (_csrf_refused, 403),
    "redirect to login": (_redirect_to_login, 302),
    "database outage": (_database_outage, 503),
    "Administration (Django admin)": (_administration, 200),
    "guest page from a signed link": (_guest_link_page, 200),
    "streamed CSV export": (_streamed_export, 200),
}


@pytest.mark.django_db
@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_every_other_page_type_has_strict_csp(client, settings, page_type):
    make, status = PAGE_TYPES[page_type]
    wants_settings = "settings" in make.__code__.co_varnames[: make.__code__.co_argcount]
    response = make(client, settings) if wants_settings else make(client)
    assert response.status_code == status, page_type
    assert_secure_headers(response)


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_httponly_and_samesite(client):
    user = UserFactory(role=Role.LEADER)
    response = client.get(reverse("login"))
    csrf = response.cookies["csrftoken"]
    assert csrf["samesite"] == "Lax"
    response = client.post(
        reverse("login"),
        {"username": user.username, "password": "pass-word-123", "csrfmiddlewaretoken": csrf.value},
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"


@pytest.mark.django_db
def test_post_without_csrf_token_is_refused_with_a_clear_page():
    user = UserFactory(role=Role.LEADER)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert b"This form has expired" in response.content
    assert_secure_headers(response)


@pytest.mark.django_db
def test_htmx_post_without_csrf_header_is_refused():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(role=Role.LEADER))
    response = client.post(reverse("logout"), headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert response.content == b"This form has expired. Reload the page and try again."


@pytest.mark.django_db
def test_htmx_post_with_the_csrf_header_from_the_page_is_accepted():
    """_base.html puts the token in hx-headers; htmx sends it as X-CSRFToken."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(role=Role.LEADER))
    page = client.get(reverse("home_leader")).content.decode()
    token = re.search(r'hx-headers=\'\{"x-csrftoken": "([^"]+)"\}\'', page).group(1)
    response = client.post(reverse("logout"), headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 302


# Templates: nothing inline, so the policy needs no 'unsafe-inline'.
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I
)
INLINE_STYLE_ATTR = re.compile(r"""\sstyle\s*=\s*["']""", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
EVENT_HANDLER_ATTR = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
HX_ON_ATTR = re.compile(r"""\s(?:hx-on|data-hx-on)[:\w-]*\s*=""", re.I)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def project_templates():
    for path in ROOT.rglob("*.html"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in (".venv", "staticfiles", "artifacts", "static", "build"):
            continue
        if "node_modules" in parts:  # e.g. tools/lighthouse/, once `make lighthouse` ran
            continue
        # Mail bodies (templates/<app>/mail/) are read by mail clients, which drop
        # stylesheets: they need inline styles. The site never serves them under its
        # CSP; the outbox preview frames them with a CSP of their own (no scripts, see
        # test_mail_previews_...).
        if "mail" in parts[:-1]:
            continue
        yield path


def test_no_template_has_inline_script_or_style():
    offenders = []
    checks = {
        "inline <script>": INLINE_SCRIPT,
        'style="…" attribute': INLINE_STYLE_ATTR,
        "<style> element": STYLE_ELEMENT,
        "on…= event handler": EVENT_HANDLER_ATTR,
        "hx-on attribute (needs eval)": HX_ON_ATTR,
        "javascript: URL": JAVASCRIPT_URL,
    }
    templates = list(project_templates())
    assert len(templates) > 10
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            for what, pattern in checks.items():
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {what}")
    assert not offenders, (
        "The Content Security Policy blocks inline scripts and styles. Move behaviour to "
        "static/js/<app>.js and styles to static/css/app.css:\n" + "\n".join(offenders)
    )


def test_htmx_is_configured_to_need_no_inline_styles_or_eval():
    base = (ROOT / "templates" / "_base.html").read_text()
    assert '"includeIndicatorStyles": false' in base
    assert '"allowEval": false' in base
