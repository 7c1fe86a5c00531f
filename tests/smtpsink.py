"""A local SMTP server for tests and benchmarks: it accepts every mail and records it.

Each accepted message is recorded as one JSON line (delivery key, Message-ID,
recipients) appended with a single write to a file opened with O_APPEND, *before* the
server answers the DATA with 250: the file holds exactly what the server accepted, which
is what a mail provider would deliver. Run as a process of its own, so that killing a
worker never touches it:

    python -m tests.smtpsink PORT PATH [API_PORT [REPLY_DELAY]]

With API_PORT it also answers Mailpit's search by Message-ID, from a thread of its own
(`GET /api/v1/search?query=message-id:<id>`: the same path, filter and answer as
Mailpit's, `messages_count` and `messages` with each `MessageID`), so that the outbox's
Mailpit acceptance check (`outbox.acceptance.mailpit`) can ask it what it accepted.
REPLY_DELAY (seconds) holds each 250 that long after the mail is recorded: it widens the
window between the server's acceptance and the worker's commit (docs/mail.md), so that
the kill tests can aim at it.
"""

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
# The Message-IDs accepted so far, as Mailpit stores them (without angle brackets),
# appended before the server answers the DATA.
_accepted: list[str] = []


def _header(lines: list[bytes], name: bytes) -> str:
    prefix = name.lower() + b":"
    for line in lines:
        if line.lower().startswith(prefix):
            return line[len(prefix) :].strip().decode("ascii", "replace")
    return ""


async def _session(reader, writer, fd: int, reply_delay: float) -> None:
    writer.write(b"220 sink ESMTP\r\n")
    recipients: list[str] = []
    while line := await reader.readline():
        verb = line[:4].upper()
        if verb == b"EHLO":
            writer.write(b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
        elif verb == b"MAIL":
            recipients = []
            writer.write(b"250 OK\r\n")
        elif verb == b"RCPT":
            recipients.append(line[8:].strip().strip(b"<>").decode("ascii", "replace"))
            writer.write(b"250 OK\r\n")
        elif verb == b"DATA":
            writer.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            await writer.drain()
            headers: list[bytes] = []
            in_headers = True
            while (data := await reader.readline()) not in (b".\r\n", b""):
                if in_headers:
                    if data in (b"\r\n", b"\n"):
                        in_headers = False
                    else:
                        headers.append(data.rstrip(b"\r\n"))
            if data == b"":
                return  # the client died in the middle: nothing was accepted
            record = {
                "key": _header(headers, b"X-Open-Chair-Delivery"),
                "message_id": _header(headers, b"Message-ID"),
                "to": recipients,
            }
            os.write(fd, (json.dumps(record) + "\n").encode())
            _accepted.append(record["message_id"].strip("<>"))
            if reply_delay:
                await asyncio.sleep(reply_delay)
            writer.write(b"250 OK: queued\r\n")
        elif verb == b"QUIT":
            writer.write(b"221 Bye\r\n")
            await writer.drain()
            break
        elif verb in (b"RSET", b"NOOP", b"HELO"):
            writer.write(b"250 OK\r\n")
        else:
            writer.write(b"502 Command not implemented\r\n")
        await writer.drain()
    with contextlib.suppress(Exception):
        writer.close()


class _MailpitSearch(BaseHTTPRequestHandler):
    """Mailpit's `GET /api/v1/search` for the one filter the acceptance check uses:
    `message-id:<id>`, a case-insensitive substring of the stored Message-ID."""

    def do_GET(self):  # noqa: N802 - http.server's name
        url = urlsplit(self.path)
        query = parse_qs(url.query).get("query", [""])[0].strip()
        if url.path != "/api/v1/search" or not query.lower().startswith("message-id:"):
            self.send_error(400 if url.path == "/api/v1/search" else 404)
            return
        wanted = query[len("message-id:") :].strip().strip("<>").lower()
        accepted = list(_accepted)
        found = [mid for mid in accepted if wanted and wanted in mid.lower()]
        body = json.dumps(
            {
                "total": len(accepted),
                "unread": len(accepted),
                "messages_count": len(found),
                "start": 0,
                "tags": [],
                "messages": [
                    {"ID": str(i), "MessageID": mid, "Read": False} for i, mid in enumerate(found)
                ],
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve_api(port: int) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", port), _MailpitSearch)
    threading.Thread(target=server.serve_forever, daemon=True).start()


async def _serve(port: int, path: str, reply_delay: float = 0.0) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    async def handle(reader, writer):
        with contextlib.suppress(ConnectionError):
            await _session(reader, writer, fd, reply_delay)

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


def _free_ports(n: int) -> list[int]:
    """`n` different free ports (each held until all are chosen)."""
    with contextlib.ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(n)]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]


class SmtpSink:
    """The sink as a child process of the test (or benchmark), on a free port, and its
    Mailpit-compatible search on another (`api_url`). `reply_delay`: see REPLY_DELAY."""

    def __init__(self, path: Path, *, reply_delay: float = 0.0):
        self.path = Path(path)
        self.reply_delay = reply_delay
        self.port, self.api_port = _free_ports(2)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """What MAILPIT_URL would be for Mailpit."""
        return f"http://127.0.0.1:{self.api_port}"

    def start(self) -> "SmtpSink":
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.smtpsink",
                str(self.port),
                str(self.path),
                str(self.api_port),
                str(self.reply_delay),
            ],
            cwd=ROOT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        waiting = [self.api_port, self.port]  # the API starts first: the SMTP port says "all up"
        while waiting and time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", waiting[0])):
                waiting.pop(0)
                continue
            time.sleep(0.05)
        if not waiting:
            return self
        self.stop()
        raise RuntimeError("the SMTP sink did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)

    def lines(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines() if line]

    def count(self) -> int:
        return self.path.read_bytes().count(b"\n") if self.path.exists() else 0

    def counts(self) -> Counter:
        return Counter(line["key"] for line in self.lines())


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if len(sys.argv) > 3:
        _serve_api(int(sys.argv[3]))
    delay = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    asyncio.run(_serve(int(sys.argv[1]), sys.argv[2], delay))
