"""A request's logged-in user, known without reading the session, for one hot path.

Django reads the session (from Redis or the database) and loads the user for every
request that asks for `request.user`. The capture POST (`feedback.views.capture_post`) is
sent for each item a facilitator types, and its single INSERT can check the session and
the user itself, so it asks this module instead:

- `remember(request)`, called once Django's own authentication has accepted
  `request.user` for the request's session (`django.contrib.auth.get_user` verified the
  session against the user's password hash), keeps, per session key, the user's id and
  that password hash;
- `session_user(request)` returns what was remembered for the request's session cookie,
  or None; then the caller loads `request.user` as usual.

What it returns is only a claim, which the caller's statement must have the database
confirm as it writes (see `feedback.services._guarded_insert_sql`): that the session row
still exists and has not expired, and that the user still exists, is active and has that
password hash. So a logout (which deletes the session row), an expired session, a
password change, a deactivation or a deleted user stops the very next request, as
Django's own check would; that request then takes Django's path.

Django changes the session key at every login, so a key never passes from one user to
another. This holds only where sessions are rows of `django_session` (the `db` and
`cached_db` engines, and `accounts.sessions`); elsewhere nothing is remembered.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from importlib import import_module
from typing import NamedTuple

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

_SIZE = 4096
_known: OrderedDict[str, tuple[int, str]] = OrderedDict()  # session key -> (user id, password)
_lock = threading.Lock()


class SessionUser(NamedTuple):
    id: int
    password: str
    session_key: str


@functools.cache
def sessions_in_database(engine: str) -> bool:
    return issubclass(import_module(engine).SessionStore, DatabaseSessionStore)


def remember(request) -> None:
    """Keep who this request's session belongs to, once Django has authenticated it."""
    user = request.user
    key = request.session.session_key
    if not (key and user.is_authenticated and user.is_active and user.password):
        return
    if not sessions_in_database(settings.SESSION_ENGINE):
        return
    with _lock:
        _known[key] = (user.pk, user.password)
        _known.move_to_end(key)
        while len(_known) > _SIZE:
            _known.popitem(last=False)


def session_user(request) -> SessionUser | None:
    """Who the session cookie was last known to belong to, without reading the session."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key or not sessions_in_database(settings.SESSION_ENGINE):
        return None
    known = _known.get(key)
    if known is None:
        return None
    return SessionUser(known[0], known[1], key)


def forget_all() -> None:
    """Forget every remembered session in this process (tests)."""
    with _lock:
        _known.clear()
