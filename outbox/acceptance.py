"""The mail provider's word on a mail whose earlier attempt may have reached it.

Guarantee: a mail "in doubt" (`OutboxMail.in_doubt`: a worker died after claiming it
and before recording the outcome, perhaps after the server had accepted it; or the
connection broke once the message had begun to go) is not sent again when the provider
says it accepted that Message-ID; it is marked sent instead. Everything else is as
without a check: when none is configured, when it fails, times out or cannot tell, the
mail is sent again (the same Message-ID): a duplicate is better than a lost mail. A mail
never tried before is never checked.

A check is any callable named by the setting `OUTBOX_ACCEPTANCE_CHECK` (a dotted path).
It receives a list of Message-IDs, each as in the header (`<…@…>`), and returns those the
provider has accepted (any iterable of the same strings; an empty one: none). It raises,
or returns None, when it cannot tell. It must bound its own time (the worker waits for
it), `OUTBOX_ACCEPTANCE_CHECK_TIMEOUT` seconds per request being what `mailpit` uses.
"""

import base64
import functools
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import unquote, urlencode, urlsplit, urlunsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

from .mail import message_id
from .models import OutboxMail

logger = logging.getLogger(__name__)

AcceptanceCheck = Callable[[Sequence[str]], Iterable[str] | None]


# What a mail whose earlier attempt the provider confirmed keeps as its note.
CONFIRMED_BY_PROVIDER = (
    "Not sent again: the mail provider confirmed it had accepted an earlier attempt."
)


def checked_first(mail: OutboxMail) -> bool:
    """Whether the provider is asked about the mail before it is sent: only a mail in
    doubt, and only with a check configured (no cost for any other mail)."""
    return mail.in_doubt and bool(getattr(settings, "OUTBOX_ACCEPTANCE_CHECK", None))


@functools.cache
def _load(path: str) -> AcceptanceCheck:
    return import_string(path)


def accepted_by_provider(mail: OutboxMail) -> bool:
    """Whether the configured check says the provider accepted this mail. False when no
    check is configured, and when the check fails or cannot tell (logged)."""
    path = getattr(settings, "OUTBOX_ACCEPTANCE_CHECK", None)
    if not path:
        return False
    wanted = message_id(mail)
    try:
        accepted = _load(path)([wanted])
        if accepted is None:
            raise ValueError("the check could not tell")
        return wanted in set(accepted)
    except Exception as exc:  # whatever the provider or the check does: send again
        logger.warning(
            "outbox: could not ask the mail provider whether mail %s (%s) was accepted "
            "(%s: %s); sending it again",
            mail.pk,
            wanted,
            type(exc).__name__,
            exc,
        )
        return False


def mark_confirmed(mail: OutboxMail) -> bool:
    """The provider accepted an earlier attempt: mark the mail sent, so that it never goes
    out again, unless it was withdrawn since its claim (as for a mail being sent). The
    note says so; `sent_at` is when the provider confirmed it."""
    now = timezone.now()
    marked = OutboxMail.objects.filter(pk=mail.pk, status=OutboxMail.Status.SENDING).update(
        status=OutboxMail.Status.SENT,
        sent_at=now,
        last_error=CONFIRMED_BY_PROVIDER,
        updated_at=now,
    )
    if marked:
        logger.info("outbox: mail %s was accepted at an earlier attempt; not sent again", mail.pk)
    return bool(marked)


# --- Mailpit -------------------------------------------------------------------------


def _mailpit_request(base: str, bare_id: str) -> Request:
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(f"MAILPIT_URL must be an http(s) URL, not {base!r}")
    headers = {"Accept": "application/json"}
    netloc = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    if parts.username is not None:  # Mailpit's basic authentication (--ui-auth-file)
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    # Mailpit stores the Message-ID without its angle brackets and matches this filter
    # as a case-insensitive substring (so the answer is checked for the exact id).
    query = urlencode({"query": f"message-id:{bare_id}", "limit": 50})
    path = parts.path.rstrip("/") + "/api/v1/search"
    url = urlunsplit((parts.scheme, netloc, path, query, ""))
    return Request(url, headers=headers)  # noqa: S310 - http(s) only, checked above


def mailpit(message_ids: Sequence[str]) -> set[str]:
    """The acceptance check for Mailpit (docker-compose's mail server), at `MAILPIT_URL`
    (`http://mailcatcher:8025`; `http://user:password@…` with basic authentication):
    one `GET /api/v1/search?query=message-id:<id>` per Message-ID, answered with
    `messages_count` and the matching `messages`, each with its `MessageID`. Raises when
    Mailpit does not answer within `OUTBOX_ACCEPTANCE_CHECK_TIMEOUT` or answers otherwise.
    """
    base = getattr(settings, "MAILPIT_URL", "")
    if not base:
        raise ImproperlyConfigured("The Mailpit acceptance check needs MAILPIT_URL.")
    timeout = getattr(settings, "OUTBOX_ACCEPTANCE_CHECK_TIMEOUT", 2.0)
    accepted = set()
    for wanted in message_ids:
        bare = wanted.strip().strip("<>")
        request = _mailpit_request(base, bare)
        with urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, above
            answer = json.load(response)
        count = answer.get("messages_count") if isinstance(answer, dict) else None
        if isinstance(count, bool) or not isinstance(count, int | float):
            raise ValueError(f"Mailpit's answer has no messages_count: {str(answer)[:200]}")
        if count and any(
            str(found.get("MessageID", "")).lower() == bare.lower()
            for found in answer.get("messages") or []
        ):
            accepted.add(wanted)
    return accepted
