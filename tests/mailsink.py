"""A mail backend for tests with real worker processes: one JSON line per mail.

Each mail is appended with a single `write` on a file opened with O_APPEND, so lines
from several processes never interleave and a killed process leaves whole lines only.
The worker is pointed at it by environment: EMAIL_BACKEND=tests.mailsink.FileSinkBackend
and MAIL_SINK_PATH=/path/to/sink.jsonl.
"""

import json
import os
from collections import Counter
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class FileSinkBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        path = os.environ["MAIL_SINK_PATH"]
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            for message in email_messages:
                line = json.dumps(
                    {
                        "key": message.extra_headers.get("X-Open-Chair-Delivery", ""),
                        "to": message.to,
                        "subject": message.subject,
                        "message_id": message.extra_headers.get("Message-ID", ""),
                    }
                )
                os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)
        return len(email_messages)


def sink_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def sink_counts(path: Path) -> Counter:
    if not path.exists():
        return Counter()
    return Counter(json.loads(line)["key"] for line in path.read_text().splitlines() if line)


class FlakySinkBackend(FileSinkBackend):
    """Like FileSinkBackend, but each mail's first MAIL_SINK_FAIL_FIRST attempts fail the
    way a dropped SMTP connection does (attempts counted in MAIL_SINK_PATH + ".attempts")."""

    def send_messages(self, email_messages):
        import smtplib

        fail_first = int(os.environ.get("MAIL_SINK_FAIL_FIRST", "0"))
        attempts_path = os.environ["MAIL_SINK_PATH"] + ".attempts"
        for message in email_messages:
            key = message.extra_headers.get("X-Open-Chair-Delivery", "")
            fd = os.open(attempts_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, (key + "\n").encode())
            finally:
                os.close(fd)
            tries = Path(attempts_path).read_text().splitlines().count(key)
            if tries <= fail_first:
                raise smtplib.SMTPServerDisconnected(f"connection dropped (attempt {tries})")
        return super().send_messages(email_messages)
