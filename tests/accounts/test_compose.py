"""docker-compose.yml cannot be run here (no Docker engine); check its structure instead."""

import importlib
import re
from pathlib import Path

import yaml

from config import settings as project_settings

ROOT = Path(__file__).resolve().parents[2]


def load_compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_every_service():
    services = load_compose()["services"]
    assert set(services) >= {"web", "worker", "beat", "postgres", "redis", "mailcatcher"}


def test_commands_point_at_real_modules():
    services = load_compose()["services"]
    for name in ("web", "worker", "beat"):
        command = services[name]["command"]
        for module in re.findall(r"-A (\S+)", command):
            assert hasattr(importlib.import_module(module), "celery_app"), name
        for target in re.findall(r"gunicorn (\S+):(\S+)", command):
            module, attribute = target
            assert hasattr(importlib.import_module(module), attribute), name
    assert "gunicorn config.wsgi:application" in services["web"]["command"]
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]


def test_environment_names_are_read_by_settings():
    settings_source = "\n".join(
        (ROOT / "config" / name).read_text()
        for name in ("settings.py", "security_settings.py", "celery_settings.py")
    )
    services = load_compose()["services"]
    for name in ("web", "worker", "beat"):
        for variable in services[name]["environment"]:
            assert f'"{variable}"' in settings_source, f"{name}: {variable} is not read by settings"


def test_services_reach_each_other_by_compose_name():
    env = load_compose()["services"]["web"]["environment"]
    assert "@postgres:" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert "mailcatcher" in env["EMAIL_URL"]
    assert project_settings.BASE_DIR == ROOT


def test_dockerfile_installs_the_project_and_serves_with_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install" in dockerfile
    assert "gunicorn" in dockerfile


def test_secret_key_has_no_committed_fallback_and_compose_refuses_to_start_without_it():
    text = (ROOT / "docker-compose.yml").read_text()
    secret = load_compose()["x-app"]["environment"]["SECRET_KEY"]
    assert secret.startswith("${SECRET_KEY:?"), secret  # compose stops with this message
    assert "${SECRET_KEY:-" not in text


def test_every_image_is_pinned_to_a_version():
    images = [s["image"] for s in load_compose()["services"].values() if "image" in s]
    dockerfile = (ROOT / "Dockerfile").read_text()
    images += re.findall(r"^FROM (\S+)", dockerfile, flags=re.MULTILINE)
    for image in images:
        name, _, tag = image.partition(":")
        assert re.match(r"v?\d+\.\d+", tag), f"{image} is not pinned to a version"


def test_worker_and_beat_have_health_checks():
    services = load_compose()["services"]
    for name in ("web", "worker", "beat"):
        check = services[name]["healthcheck"]
        assert check["test"], name
        assert check["interval"], name
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])
    schedule = re.search(r"--schedule=(\S+)", services["beat"]["command"]).group(1)
    assert schedule in " ".join(services["beat"]["healthcheck"]["test"])


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in (".venv/", "db.sqlite3", ".git", ".env", "artifacts/"):
        assert path in ignored, path
