"""The layer contract (pyproject.toml, `lint-imports` in .ci/run) holds, and it fails on
an import that runs upwards, even one hidden inside a function."""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )


def _copy_packages(target: Path) -> None:
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    for package in CONFIG["root_packages"]:
        shutil.copytree(
            ROOT / package,
            target / package,
            ignore=shutil.ignore_patterns("templates", "static", "__pycache__", "*.html"),
        )


def test_the_project_keeps_its_layers():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_import_from_a_lower_app_to_a_higher_one_breaks_the_contract(tmp_path):
    _copy_packages(tmp_path)
    # customers (below) reaching for the dashboard (above), inside a function.
    (tmp_path / "customers" / "back_import.py").write_text(
        "def figures():\n    from dashboard.models import FeedbackCube\n\n    return FeedbackCube\n"
    )
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout
    assert "BROKEN" in result.stdout
    assert "customers.back_import -> dashboard.models" in result.stdout


def test_siblings_on_one_layer_may_not_import_each_other(tmp_path):
    _copy_packages(tmp_path)
    (tmp_path / "feedback" / "sideways.py").write_text("import invitations.models  # noqa\n")
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout
    assert "feedback.sideways -> invitations.models" in result.stdout
