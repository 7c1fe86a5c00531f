"""Log lines carry a timestamp and a level; JSON, one object per line, when asked."""

import io
import json
import logging
import logging.config
import os
import subprocess
import sys

import pytest

from config.logging import logging_config

MOMENT = 1796461201.5  # 2026-12-05T09:00:01.500Z


def emit(config: dict, message: str, **extra) -> str:
    logging.config.dictConfig(config)
    stream = io.StringIO()
    handler = logging.getLogger().handlers[0]
    handler.setStream(stream)
    record = logging.getLogger("outbox.services").makeRecord(
        "outbox.services", logging.WARNING, __file__, 1, message, (), None, extra=extra
    )
    record.created = MOMENT
    handler.handle(record)
    return stream.getvalue()


@pytest.fixture(autouse=True)
def _restore_logging(settings):
    yield
    logging.config.dictConfig(settings.LOGGING)


def test_text_lines_carry_a_utc_timestamp_the_level_and_the_logger():
    line = emit(logging_config(), "mail 42 not sent")
    assert line == "2026-12-05T09:00:01.500Z WARNING outbox.services mail 42 not sent\n"


def test_json_lines_are_one_object_each_with_extra_fields():
    line = emit(logging_config(as_json=True), "mail 42 not sent", request_id="abc123")
    assert line.endswith("\n")
    assert line.count("\n") == 1
    assert json.loads(line) == {
        "time": "2026-12-05T09:00:01.500Z",
        "level": "WARNING",
        "logger": "outbox.services",
        "message": "mail 42 not sent",
        "request_id": "abc123",
    }


@pytest.mark.parametrize(("value", "formatter"), [("1", "json"), ("0", "text")])
def test_the_settings_choose_json_from_the_environment(value, formatter):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
        "from django.conf import settings; "
        "print(settings.LOGGING['handlers']['console']['formatter'])"
    )
    env = {**os.environ, "LOG_JSON": value}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == formatter
