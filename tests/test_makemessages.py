"""`makemessages` reads every marked string without a warning, and the catalogue it
writes is one `msgfmt --check` accepts (plural forms, placeholders).

Runs on a copy of the code so that nothing is written into the project's own `locale/`.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE = (
    "accounts",
    "actions",
    "anonymity",
    "audit",
    "config",
    "customers",
    "dashboard",
    "feedback",
    "invitations",
    "meetings",
    "outbox",
    "templates",
)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    if not (shutil.which("xgettext") and shutil.which("msgfmt")):
        pytest.skip("GNU gettext (xgettext, msgfmt) is not installed")
    copy = tmp_path_factory.mktemp("project")
    for name in CODE:
        shutil.copytree(
            ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "locale")
        )
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    (copy / "locale").mkdir()
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "de", "--no-location"],
        cwd=copy,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    return result, next(copy.glob("**/locale/de/LC_MESSAGES/django.po"), None)


def test_makemessages_reads_every_marked_string_without_a_warning(catalogue):
    result, po = catalogue
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr.lower(), result.stderr
    assert "error" not in result.stderr.lower(), result.stderr
    text = po.read_text(encoding="utf-8")
    # A few messages from Python, a template and a plural form, as a translator sees them.
    assert 'msgid "Booked %(count)s guest: %(names)s."' in text
    assert 'msgid_plural "Booked %(count)s guests: %(names)s."' in text
    assert 'msgid "Invite next"' in text
    assert 'msgid "Retry this mail"' in text
    assert 'msgctxt "filter matches every value"' in text


def test_the_catalogue_passes_msgfmt_check(catalogue):
    _result, po = catalogue
    check = subprocess.run(
        ["msgfmt", "--check-format", "--check-domain", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
