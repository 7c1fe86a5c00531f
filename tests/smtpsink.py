"""A local SMTP server for tests and benchmarks: it accepts every mail and records it.

Each accepted message is recorded as one JSON line (delivery key, Message-ID,
recipients) appended with a single write to a file opened with O_APPEND, *before* the
server answers the DATA with 250: the file holds exactly what the server accepted, which
is what a mail provider would deliver. Run as a process of its own, so that killing a
worker never touches it:

    python -m tests.smtpsink PORT PATH
"""

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _header(lines: list[bytes], name: bytes) -> str:
    prefix = name.lower() + b":"
    for line in lines:
        if line.lower().startswith(prefix):
            return line[len(prefix) :].strip().decode("ascii", "replace")
    return ""


async def _session(reader, writer, fd: int) -> None:
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


async def _serve(port: int, path: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    async def handle(reader, writer):
        with contextlib.suppress(ConnectionError):
            await _session(reader, writer, fd)

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


class SmtpSink:
    """The sink as a child process of the test (or benchmark), on a free port."""

    def __init__(self, path: Path):
        self.path = Path(path)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> "SmtpSink":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.smtpsink", str(self.port), str(self.path)],
            cwd=ROOT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return self
            time.sleep(0.05)
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
    asyncio.run(_serve(int(sys.argv[1]), sys.argv[2]))
