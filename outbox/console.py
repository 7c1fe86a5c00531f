"""The embedded default's mail backend: every mail on the console, readable.

Django's console backend prints the whole MIME message (the HTML part and the base64
`.ics`), a screenful per invitation. This one prints what a person reads: the envelope,
the Message-ID, the text body and the attachments by name and size.
"""

import sys
import threading

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def __init__(self, *args, stream=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.Lock()

    def send_messages(self, email_messages):
        sent = 0
        with self._lock:
            for message in email_messages:
                lines = [
                    f"----- mail {message.extra_headers.get('Message-ID', '')}",
                    f"From: {message.from_email}",
                    f"To: {', '.join(message.to)}",
                    f"Subject: {message.subject}",
                    "",
                    message.body.rstrip(),
                ]
                for filename, content, mimetype in getattr(message, "attachments", []):
                    size = len(content) if content is not None else 0
                    lines.append(f"[attachment: {filename}, {mimetype}, {size} bytes]")
                if getattr(message, "alternatives", None):
                    lines.append("[also as HTML]")
                lines.append("-----")
                self.stream.write("\n".join(lines) + "\n")
                sent += 1
            self.stream.flush()
        return sent
