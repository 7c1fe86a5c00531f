"""The security settings (issue #10): HTTPS and cookies, the Content Security Policy,
login lockouts and rate limits. `config/settings.py` takes them as
`vars().update(security_settings(env, debug=DEBUG, redis_url=REDIS_URL))`, the way it
takes LOGGING from `config/logging.py`. See docs/security.md.
"""

import environ


def security_settings(env: environ.Env, *, debug: bool, redis_url: str) -> dict:
    # Security. Production (DEBUG off) is HTTPS-only unless explicitly told otherwise.
    SECURE_HTTPS = env.bool("SECURE_HTTPS", default=not debug)
    SESSION_COOKIE_SECURE = SECURE_HTTPS
    CSRF_COOKIE_SECURE = SECURE_HTTPS
    LANGUAGE_COOKIE_SECURE = SECURE_HTTPS
    SECURE_SSL_REDIRECT = SECURE_HTTPS
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE_HTTPS else 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
    SECURE_HSTS_PRELOAD = SECURE_HTTPS
    BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    CSRF_COOKIE_SAMESITE = "Lax"
    SECURE_REFERRER_POLICY = "same-origin"
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

    # Content Security Policy (django-csp 4): nothing inline, nothing from elsewhere.
    # htmx runs with includeIndicatorStyles off and allowEval off (see _base.html), so it
    # needs neither 'unsafe-inline' styles nor 'unsafe-eval'.
    CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            "style-src": ["'self'"],
            "img-src": ["'self'", "data:"],
            "font-src": ["'self'"],
            "connect-src": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'none'"],
            "frame-ancestors": ["'none'"],
            "form-action": ["'self'"],
        },
    }
    CSRF_FAILURE_VIEW = "accounts.errors.csrf_failure"

    # Login lockout (django-axes): the database handler works on SQLite and PostgreSQL and
    # keeps working when Redis is down. A username is locked after AXES_FAILURE_LIMIT
    # failures from one address; the lock lifts by itself after the cool-off.
    AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
    AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
    AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_MINUTES", default=15) / 60  # hours
    AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
    AXES_RESET_ON_SUCCESS = True
    AXES_LOCKOUT_CALLABLE = "accounts.errors.login_locked_out"
    # Behind a TLS proxy (BEHIND_PROXY=1) the client is the address the proxy appended.
    AXES_CLIENT_IP_CALLABLE = "accounts.ratelimits.client_ip"
    RATELIMIT_IP_META_KEY = "accounts.ratelimits.client_ip_for_limits"
    AXES_VERBOSE = False

    # Rate limits (django-ratelimit), by name: "rate" per "key". Applied through
    # accounts/ratelimits.py; an exceeded limit answers 429 with a friendly page.
    RATELIMIT_VIEW = "accounts.errors.rate_limited"
    RATE_LIMITS = {
        # Sign-in attempts per username from one address; and per address alone only at a
        # ceiling an office of 200 people signing in at 9:00 (typos included) never reaches,
        # which still stops one address spraying guesses across many accounts.
        "login": {
            "rate": env("RATE_LIMIT_LOGIN", default="30/10m"),
            "key": "username_and_ip",
            "method": "POST",
        },
        "login_address": {
            "rate": env("RATE_LIMIT_LOGIN_ADDRESS", default="1000/10m"),
            "key": "ip",
            "method": "POST",
        },
        "rsvp": {"rate": env("RATE_LIMIT_RSVP", default="30/h"), "key": "ip"},
        # Per link (all guests of a meeting share it), so no guest's address is looked at.
        "guest_comment": {
            "rate": env("RATE_LIMIT_GUEST_COMMENT", default="60/m"),
            "key": "token",
            "method": "POST",
        },
        "csv_import": {
            "rate": env("RATE_LIMIT_CSV_IMPORT", default="10/h"),
            "key": "user_or_ip",
            "method": "POST",
        },
        # Other signed links a guest opens from a mail ("you said, we did", opt-out).
        "guest_link": {"rate": env("RATE_LIMIT_GUEST_LINK", default="60/h"), "key": "ip"},
    }
    # Django's own Redis cache increments atomically; the warning only says it is not on
    # django-ratelimit's list. Without Redis (embedded, one process) the local-memory cache
    # is per process, which is what a single process needs.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
    if not redis_url:
        SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

    return {name: value for name, value in locals().items() if name.isupper()}
