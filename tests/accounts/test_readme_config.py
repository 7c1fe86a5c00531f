"""Every environment variable the settings read is documented in the README's table."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# env("NAME", …), env.int(\n    "NAME", …), env.db("NAME"), "NAME" in env
# config/settings.py and the modules it takes settings from.
SETTINGS_MODULES = ("settings.py", "security_settings.py", "celery_settings.py")
READS = re.compile(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"|"([A-Z][A-Z0-9_]+)" in env\b')


def test_every_environment_variable_the_settings_read_is_in_the_readme():
    settings = "\n".join((ROOT / "config" / name).read_text() for name in SETTINGS_MODULES)
    names = {a or b for a, b in READS.findall(settings)}
    assert {"SECRET_KEY", "CSRF_TRUSTED_ORIGINS", "CONN_MAX_AGE", "EMAIL_TIMEOUT"} <= names
    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"add these to the README's Configuration table: {missing}"
