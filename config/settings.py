"""Open Chair settings: driven by environment variables. The security settings and the
Celery ones (broker and beat schedule) are built by `config/security_settings.py` and
`config/celery_settings.py`, which read the same environment.

With nothing set, the app runs embedded: SQLite, Celery tasks executed eagerly,
mail printed to the console (and always kept in the in-app outbox).
`DATABASE_URL` and `REDIS_URL` switch to PostgreSQL and a real broker and worker.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.celery_settings import celery_settings
from config.logging import logging_config
from config.security_settings import security_settings

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-open-chair-development-only"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # django.contrib.admin, with a site that lets in the Administrator role only.
    "accounts.admin_apps.OpenChairAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_countries",
    "rules.apps.AutodiscoverRulesConfig",
    "accounts",
    "customers",
    "meetings",
    "outbox",
    "invitations",
    "feedback",
    "actions",
    "dashboard",
    # Security (issue #10)
    "csp",
    "axes",
    "django_ratelimit",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compresses HTML (a dashboard of 55 KB travels as 10 KB). Above every middleware
    # that reads or changes the body, so that it compresses the final page; it adds
    # random bytes to each gzip header, and Django masks the CSRF token anew in every
    # response, the two mitigations of BREACH (docs/security.md). WhiteNoise's own
    # pre-compressed files carry Content-Encoding and pass through untouched.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    # The browser's language (Accept-Language, or the language cookie) for pages without a
    # better answer. Above the middlewares that answer early (503, 413, 400, 429), so that
    # their pages speak it too; Django's LocaleMiddleware reads no session (since 4.0) and
    # stays above CommonMiddleware, as Django asks.
    "django.middleware.locale.LocaleMiddleware",
    # Above the middlewares that answer early (503, 413, 400, 429), so that their pages
    # cannot be framed either.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns "database unreachable" into a friendly 503 instead of a 500.
    "accounts.outage.DatabaseOutageMiddleware",
    # Refuses bodies over MAX_REQUEST_BYTES (413) before anything reads them.
    "accounts.security.RequestBodyLimitMiddleware",
    # Refuses a NUL byte in the query string (400) before a filter hands it to PostgreSQL.
    "accounts.security.QueryStringGuardMiddleware",
    # A view over its rate limit (accounts/ratelimits.py) answers RATELIMIT_VIEW's 429.
    "django_ratelimit.middleware.RatelimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Keeps the language cookie equal to a signed-in user's own choice (User.language),
    # so it wins over the browser's. Guest pages choose theirs in the view
    # (meetings/language.py).
    "accounts.language.UserLanguageMiddleware",
    # Pages, partials and exports are never kept by a shared or disk cache (below
    # WhiteNoise, so static files keep theirs).
    "accounts.security.PrivateNoStoreMiddleware",
    "audit.context.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
            # The design system's {% icon %} tag on every template (docs/design.md).
            "builtins": ["accounts.templatetags.ui"],
        },
    },
]

# Database: SQLite file by default, PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
        "DB_CONNECT_TIMEOUT", default=3
    )
    # Django's queries use client-side binding and are never prepared. The outbox worker
    # prepares its mark-and-claim statement once per connection (outbox/transactions.py), so
    # that PostgreSQL plans it once. Behind a pooler in transaction mode without
    # prepared-statement support (PgBouncer < 1.21), set DB_PREPARE_THRESHOLD=0 to turn
    # that off.
    _prepare = env.int("DB_PREPARE_THRESHOLD", default=5)
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = _prepare if _prepare > 0 else None
    # A stalled database answers the 503 page within seconds instead of holding the page
    # until gunicorn kills the worker: the server cancels any statement (lock waits
    # included) after DB_STATEMENT_TIMEOUT ms, and TCP keepalives plus tcp_user_timeout
    # notice a peer that vanished from the network. Workers and commands that run long
    # statements may raise it in their own environment (0: no limit).
    _statement_timeout = env.int("DB_STATEMENT_TIMEOUT", default=4000)
    # Celery worker and beat processes (config/celery.py): tasks are not pages.
    DATABASES["default"]["OPTIONS"].update(
        {
            "options": f"-c statement_timeout={_statement_timeout}",
            "keepalives": 1,
            "keepalives_idle": env.int("DB_KEEPALIVES_IDLE", default=2),
            "keepalives_interval": 1,
            "keepalives_count": 2,
            "tcp_user_timeout": env.int("DB_TCP_USER_TIMEOUT", default=4000),
        }
    )
DB_WORKER_STATEMENT_TIMEOUT = env.int("DB_WORKER_STATEMENT_TIMEOUT", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any login while the username/address is locked out (django-axes).
    "accounts.backends.LockoutBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", default="Europe/London")
USE_I18N = True
# The languages of every page and mail (docs/i18n.md: how to add one). Guests read their
# contact's language, else their meeting's country's, else English (meetings/language.py).
# English is British English (dates such as "1 April 2027"); a contact's "en" reads it.
LANGUAGES = [
    ("en-gb", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A signed-in user's chosen language travels in this cookie (accounts/language.py).
LANGUAGE_COOKIE_NAME = "openchair_language"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Files a browser asks for at the site's root (/favicon.ico), served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "public"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads (CSV import) are size-limited; larger bodies are refused before parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
MAX_IMPORT_BYTES = env.int("MAX_IMPORT_BYTES", default=5 * 1024 * 1024)
# Any request body, files included (Security, issue #10): room for the largest import.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=MAX_IMPORT_BYTES + 1024 * 1024)

# Redis: broker for Celery and the shared cache. Without it, tasks run eagerly.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="openchair"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in the database; with Redis, requests read them from the shared cache
# (a few minutes at most, see accounts/sessions.py), which saves every page a query.
# Without Redis the cache is per process, so the database is read every time.
SESSION_ENGINE = "accounts.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"
SESSION_CACHE_SECONDS = env.int("SESSION_CACHE_SECONDS", default=300)

# Celery: the broker, the delivery guarantees and every periodic task (beat).
vars().update(celery_settings(env, redis_url=REDIS_URL, time_zone=TIME_ZONE))

# Mail: console in development, SMTP (or any backend) through EMAIL_URL in production.
# Every mail is also a row in the in-app outbox, whatever the backend.
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    # Every mail on the console, one readable block each (outbox/console.py).
    EMAIL_BACKEND = env("EMAIL_BACKEND", default="outbox.console.EmailBackend")
    EMAIL_HOST = env("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Open Chair <open-chair@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Chatham House: no slice of feedback is shown with fewer organisations behind it.
CHATHAM_MIN_ORGANISATIONS = max(3, env.int("CHATHAM_MIN_ORGANISATIONS", default=3))

# Security (issue #10): HTTPS and cookies, CSP, login lockouts, rate limits.
vars().update(security_settings(env, debug=DEBUG, redis_url=REDIS_URL))

# Every line carries a UTC timestamp, the level and the logger; LOG_JSON=1 writes one
# JSON object per line for log collectors (config/logging.py).
LOGGING = logging_config(
    level=env("LOG_LEVEL", default="INFO"), as_json=env.bool("LOG_JSON", default=False)
)

# Outbox (mail): every outgoing mail is an OutboxMail row; see docs/mail.md.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=6)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=60)
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=30 * 60)
# An invited meeting's update waits this long for further saves (one mail per guest).
INVITATION_UPDATE_DELAY_SECONDS = env.int("INVITATION_UPDATE_DELAY_SECONDS", default=300)
# A hand-over's lease: no sweeper hands a mail over again before it ends (outbox/handover.py).
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=900)
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=200)
OUTBOX_PUBLISH_PAUSE_SECONDS = env.int("OUTBOX_PUBLISH_PAUSE_SECONDS", default=30)
# Optional: the mail provider's word on a mail whose earlier attempt may have reached it
# (a worker died before recording the outcome), asked before it is sent again. A dotted
# path to a callable (outbox/acceptance.py), e.g. "outbox.acceptance.mailpit" with
# MAILPIT_URL; unset: such a mail is sent again (a duplicate rather than a lost mail).
OUTBOX_ACCEPTANCE_CHECK = env("OUTBOX_ACCEPTANCE_CHECK", default="") or None
OUTBOX_ACCEPTANCE_CHECK_TIMEOUT = env.float("OUTBOX_ACCEPTANCE_CHECK_TIMEOUT", default=2.0)
MAILPIT_URL = env("MAILPIT_URL", default="")
# Without a broker (embedded), a thread of the web process is the poller (outbox/apps.py).
OUTBOX_EMBEDDED_POLLER = env.bool("OUTBOX_EMBEDDED_POLLER", default=not REDIS_URL)

# Data retention: contacts with no booking and no update for this many months are
# anonymised by `manage.py anonymise_inactive_contacts` (daily, through beat).
RETENTION_INACTIVE_CONTACT_MONTHS = env.int("RETENTION_INACTIVE_CONTACT_MONTHS", default=36)
