"""What every test starts from (`tests/conftest.py`): also for the worlds that fixtures
wider than one test build (`tests/browser/demo.py`)."""

import os
from pathlib import Path

# The user property under which each page of the every-page sweep reports its row of the
# accessibility table (tests/browser/test_every_page.py, written by tests/conftest.py).
A11Y_REPORT = "a11y-report"


def screenshot_root() -> Path:
    """Where browser tests put their pictures (CI artefacts): SCREENSHOT_DIR or
    artifacts/screenshots."""
    default = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
    path = Path(os.environ.get("SCREENSHOT_DIR", default))
    path.mkdir(parents=True, exist_ok=True)
    return path


def suite_settings() -> dict:
    """The settings every test runs with."""
    from django.conf import settings

    return {
        # Tasks run eagerly unless a test asks for a real worker (`celery_worker`).
        "CELERY_TASK_ALWAYS_EAGER": True,
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    }


def forget_cached_row_ids() -> None:
    """The cached tag and journey-stage ids name rows of the database they were read from:
    a test's rollback or flush removes those rows, so no test starts with another's."""
    from django.core.cache import cache

    from feedback.selectors import STAGES_CACHE_KEY, TAGS_CACHE_KEY

    cache.delete_many([TAGS_CACHE_KEY, STAGES_CACHE_KEY])
