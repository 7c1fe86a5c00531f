"""Production settings: `check --deploy` clean, SECRET_KEY required with DEBUG off."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "openchair.example.org",
    "SECURE_HTTPS": "1",
}


def _run(*args, env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_prints_no_warnings():
    result = _run("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr
    assert "System check identified no issues" in result.stdout


def test_secret_key_is_required_when_debug_is_off():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _run("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


# Security (issue #10): the production settings themselves, read from a real process.
def _production_settings(**extra) -> dict:
    import json

    script = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'session_secure': s.SESSION_COOKIE_SECURE, 'csrf_secure': s.CSRF_COOKIE_SECURE,"
        "'session_httponly': s.SESSION_COOKIE_HTTPONLY, 'samesite': s.SESSION_COOKIE_SAMESITE,"
        "'csrf_samesite': s.CSRF_COOKIE_SAMESITE, 'hsts': s.SECURE_HSTS_SECONDS,"
        "'hsts_sub': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, 'redirect': s.SECURE_SSL_REDIRECT,"
        "'referrer': s.SECURE_REFERRER_POLICY, 'xfo': s.X_FRAME_OPTIONS,"
        "'csp': s.CONTENT_SECURITY_POLICY['DIRECTIVES'], 'middleware': s.MIDDLEWARE,"
        "'backends': s.AUTHENTICATION_BACKENDS, 'apps': s.INSTALLED_APPS,"
        "'axes_handler': s.AXES_HANDLER, 'proxy_header': s.SECURE_PROXY_SSL_HEADER}))"
    )
    result = _run("shell", "-c", script, env={**PRODUCTION_ENV, **extra})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_httponly_and_samesite():
    s = _production_settings()
    assert s["session_secure"] is True
    assert s["csrf_secure"] is True
    assert s["session_httponly"] is True
    assert s["samesite"] == "Lax"
    assert s["csrf_samesite"] == "Lax"


def test_production_forces_https_with_a_year_of_hsts():
    s = _production_settings()
    assert s["redirect"] is True
    assert s["hsts"] >= 31536000
    assert s["hsts_sub"] is True
    assert s["referrer"] == "same-origin"
    assert s["xfo"] == "DENY"


def test_production_csp_allows_nothing_inline_and_no_framing():
    csp = _production_settings()["csp"]
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert not any("unsafe" in value for values in csp.values() for value in values)


def test_production_runs_csp_lockout_and_outage_middleware_in_order():
    s = _production_settings()
    middleware = s["middleware"]
    assert middleware[0] == "django.middleware.security.SecurityMiddleware"
    assert middleware.index("csp.middleware.CSPMiddleware") < middleware.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )
    assert "accounts.outage.DatabaseOutageMiddleware" in middleware
    assert "django.middleware.csrf.CsrfViewMiddleware" in middleware
    assert middleware[-1] == "axes.middleware.AxesMiddleware"
    assert s["backends"][0] == "accounts.backends.LockoutBackend"
    assert s["axes_handler"] == "axes.handlers.database.AxesDatabaseHandler"
    assert "audit" in s["apps"]


def test_check_deploy_is_clean_with_redis_and_behind_a_proxy():
    env = {**PRODUCTION_ENV, "REDIS_URL": "redis://127.0.0.1:6379/7", "BEHIND_PROXY": "1"}
    result = _run("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert _production_settings(BEHIND_PROXY="1")["proxy_header"] == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]
