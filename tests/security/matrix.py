"""The permission matrix: every URL pattern of the project, with who may do what.

Each `Route` names a URL (``namespace:name``), how to build its arguments from the
`World` (objects owned by "our" leader and facilitator, and by another leader and
facilitator), and the expected outcome for every role and HTTP method.

A URL pattern without a `Route` here fails `test_every_url_pattern_has_an_entry`:
add one when you add a URL. Outcomes:

- an int: that exact status code;
- ``LOGIN``: a redirect to the login page;
- ``DENY``: 403 or 404 (404 where the object's existence itself is private);
- ``OK``: allowed — any answer but 403/404/405, a 5xx or a redirect to the login page
  (for POSTs whose result depends on the data sent: 200 with errors, 302, 400).

Routes with ``scoped=True`` are object views: the matrix also calls them with the
*other* leader's / facilitator's objects (IDOR), where leader and facilitator must get
``DENY`` unless ``other`` says otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

ANON = "anonymous"
LEADER = "leader"
FACILITATOR = "facilitator"
EXECUTIVE = "executive"
ADMINISTRATOR = "administrator"
ROLES = (ANON, LEADER, FACILITATOR, EXECUTIVE, ADMINISTRATOR)
STAFF_ROLES = (LEADER, FACILITATOR, EXECUTIVE, ADMINISTRATOR)

LOGIN = "LOGIN"
DENY = "DENY"
OK = "OK"


def everyone(outcome) -> dict[str, Any]:
    return dict.fromkeys(ROLES, outcome)


def staff(outcome, *, anonymous=LOGIN, **overrides) -> dict[str, Any]:
    """`outcome` for every signed-in role, LOGIN for anonymous, with per-role overrides."""
    expected = {ANON: anonymous, **dict.fromkeys(STAFF_ROLES, outcome)}
    expected.update(overrides)
    return expected


def only(*roles, outcome=200, others=DENY) -> dict[str, Any]:
    expected = staff(others)
    expected.update(dict.fromkeys(roles, outcome))
    return expected


@dataclass
class World:
    """Users of every role and objects on both sides of every ownership line."""

    users: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class Route:
    name: str
    get: dict[str, Any] | None = None
    post: dict[str, Any] | None = None
    # (world, which) -> reverse kwargs; which is "own" or "other".
    kwargs: Callable[[World, str], dict] | None = None
    # (world) -> POST data for the matrix (the fuzz test finds the fields by itself).
    data: Callable[[World], dict] | None = None
    # (world, which) -> query string parameters (for pages that take ?contact=… etc.).
    query: Callable[[World, str], dict] | None = None
    scoped: bool = False
    # Expected outcomes on the other leader's/facilitator's objects, if not the default.
    other: dict[str, Any] | None = None
    # Extra request headers (e.g. HX-Request for htmx-only endpoints).
    headers: dict[str, str] | None = None
    # The fuzz test posts to this route (set False for logout and the like).
    fuzz: bool = True
    note: str = ""

    def expected_other(self, method: str) -> dict[str, Any]:
        base = dict(self.get if method == "get" else self.post)
        if self.other is not None:
            base.update(self.other)
            return base
        for role in (LEADER, FACILITATOR):
            if base.get(role) not in (LOGIN, DENY, None):
                base[role] = DENY
        return base


def iter_url_names() -> list[tuple[str, str]]:
    """(name, route) of every URL pattern in the project, namespaces included."""

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), full)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"<unnamed {prefix}{pattern.pattern}>"
                yield (f"{namespace}:{name}" if namespace else name), prefix + str(pattern.pattern)

    return list(walk(get_resolver().url_patterns, "", None))


# The Django admin is covered as a group: every admin page sits behind the admin site's
# own staff check, which the matrix probes on representative pages (ADMIN_PROBES).
ADMIN_NAMESPACE = "admin"


def _today_plus(days):
    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=days)


ROUTES: list[Route] = [
    # accounts
    Route("home", get=staff(302, anonymous=LOGIN)),
    Route("home_leader", get=only(LEADER)),
    Route("home_facilitator", get=only(FACILITATOR)),
    Route("home_executive", get=only(EXECUTIVE)),
    Route("home_administrator", get=only(ADMINISTRATOR)),
    Route(
        "login",
        get={ANON: 200, **dict.fromkeys(STAFF_ROLES, 302)},
        post={ANON: 200, **dict.fromkeys(STAFF_ROLES, 302)},
        data=lambda w: {"username": "nobody", "password": "wrong"},
        note="signed-in users are sent home",
    ),
    Route("logout", post=everyone(LOGIN), fuzz=False, note="logs out, then shows the login page"),
    Route(
        "password_change",
        get=staff(200),
        post=staff(200),
        data=lambda w: {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
    ),
    Route("password_change_done", get=staff(200)),
    Route("healthz", get=everyone(200)),
    # audit
    Route("audit:list", get=only(ADMINISTRATOR)),
]

ADMIN_PROBES = [
    "admin:index",
    "admin:accounts_user_changelist",
    "admin:audit_auditentry_changelist",
]


# outbox and invitations (mail, issue #6)
def _mail(w, which):
    return w.outbox_mail[which]


def _opt_out_token(w, which):
    from outbox.mail import opt_out_token

    return opt_out_token(w.contact[which].email)


def _rsvp_token(w, which):
    from invitations.tokens import rsvp_token

    return rsvp_token(w.booking[which])


_LEADS = only(LEADER, ADMINISTRATOR)
_LEADS_POST = only(LEADER, ADMINISTRATOR, outcome=302)
ROUTES += [
    Route("outbox:list", get=_LEADS),
    Route("outbox:detail", get=_LEADS, kwargs=lambda w, x: {"pk": _mail(w, x).pk}, scoped=True),
    Route("outbox:html", get=_LEADS, kwargs=lambda w, x: {"pk": _mail(w, x).pk}, scoped=True),
    Route(
        "outbox:retry",
        post=_LEADS_POST,
        kwargs=lambda w, x: {"pk": _mail(w, x).pk},
        scoped=True,
        note="re-queues a failed mail; a sent one never twice",
    ),
    Route(
        "outbox:opt_out",
        get=everyone(200),
        post=everyone(200),
        kwargs=lambda w, x: {"token": _opt_out_token(w, x)},
        note="signed link from a mail; the token is the proof",
    ),
    Route(
        "invitations:meeting",
        get=_LEADS,
        post=only(LEADER, ADMINISTRATOR, outcome=OK),
        kwargs=lambda w, x: {"pk": w.meeting[x].pk},
        data=lambda w: {"action": "preview", "personal_message": "", "reminder_days": "7, 1"},
        scoped=True,
    ),
    Route(
        "invitations:preview_html",
        get=_LEADS,
        kwargs=lambda w, x: {"pk": w.meeting[x].pk, "booking_pk": w.booking[x].pk},
        scoped=True,
    ),
    Route(
        "invitations:update",
        post=_LEADS_POST,
        kwargs=lambda w, x: {"pk": w.meeting[x].pk},
        scoped=True,
    ),
    Route(
        "invitations:nudge",
        post=_LEADS_POST,
        kwargs=lambda w, x: {"pk": w.meeting[x].pk},
        scoped=True,
    ),
    Route(
        "invitations:cancel",
        post=_LEADS_POST,
        kwargs=lambda w, x: {"pk": w.meeting[x].pk},
        data=lambda w: {"message": ""},
        scoped=True,
        note="without the confirmation box nothing is cancelled",
    ),
    Route(
        "invitations:record_answer",
        post=_LEADS_POST,
        kwargs=lambda w, x: {"pk": w.meeting[x].pk, "booking_pk": w.booking[x].pk},
        data=lambda w: {"answer": "pending"},
        scoped=True,
    ),
    Route(
        "invitations:rsvp",
        get=everyone(200),
        post=everyone(OK),
        kwargs=lambda w, x: {"token": _rsvp_token(w, x)},
        data=lambda w: {"answer": "declined", "version": ""},
        note="the guest's signed link, no account",
    ),
]
