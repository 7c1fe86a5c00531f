"""Log lines fit for production: a UTC timestamp, the level and the logger on every line;
one JSON object per line when `LOG_JSON=1`, for log collectors.

    2026-12-05T09:00:01.123Z INFO outbox.services mail 42 sent
    {"time": "2026-12-05T09:00:01.123Z", "level": "INFO", "logger": "outbox.services", "message": "mail 42 sent"}
"""

import datetime as dt
import json
import logging

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# LogRecord attributes every record has; anything else was passed with `extra=`.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def _utc(record: logging.LogRecord) -> str:
    moment = dt.datetime.fromtimestamp(record.created, tz=dt.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class UTCFormatter(logging.Formatter):
    """The text format, with an ISO 8601 UTC timestamp whatever the server's zone."""

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        return _utc(record)


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the `extra=` fields, and
    the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": _utc(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            (key, value)
            for key, value in vars(record).items()
            if key not in _STANDARD and not key.startswith("_")
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def logging_config(*, level: str = "INFO", as_json: bool = False) -> dict:
    """Django's LOGGING: everything to the console (stderr) in one format."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "text": {"()": UTCFormatter, "format": TEXT_FORMAT},
            "json": {"()": JSONFormatter},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if as_json else "text",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }
