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


def _guest_token(meeting) -> str:
    from feedback.selectors import guest_link_token

    return guest_link_token(meeting=meeting)


def _charter(w, which):
    """The region's charter: version 1 published (one item, one measure), version 2 a draft."""
    cache = w.objects.setdefault("charter", {})
    if which not in cache:
        from decimal import Decimal

        from actions import services

        owner = w.users[LEADER]
        charter = services.charter_create(name=f"Charter {which}", region=w.region[which], by=owner)
        v1 = charter.versions.get()
        item = services.charter_item_add(
            version=v1, by=owner, category="other", text="Answer within a day"
        )
        services.charter_version_mark_reviewed(version=v1, by=owner)
        services.charter_version_publish(version=v1, by=owner)
        services.measure_create(
            item=item, by=owner, name="Answered in a day", target=Decimal(90), direction="at_least"
        )
        services.charter_next_draft(charter=charter, by=owner)
        cache[which] = charter
    return cache[which]


def _follow_up(w, which):
    from actions.models import FollowUp

    meeting = w.meeting[which]
    return FollowUp.objects.get_or_create(meeting=meeting, defaults={"composed_by": meeting.owner})[
        0
    ]


def _follow_up_token(w):
    """A signed link to a published follow-up of a meeting of its own."""
    if "follow_up_token" in w.objects:
        return w.objects["follow_up_token"]
    from django.utils import timezone

    from actions.followup import guest_token
    from actions.models import FollowUp
    from tests import factories as f

    booking = f.BookingFactory()
    follow_up = FollowUp.objects.create(
        meeting=booking.meeting,
        composed_by=booking.meeting.owner,
        published_at=timezone.now(),
        content={"meeting": "our leadership meeting", "sections": [], "other_actions": []},
    )
    w.objects["follow_up_token"] = guest_token(follow_up=follow_up, booking=booking)
    return w.objects["follow_up_token"]


def build_actions_objects(w) -> None:
    """Charters, follow-ups and a guest link, made before any request is counted."""
    for which in ("own", "other"):
        _charter(w, which)
        _follow_up(w, which)
    _follow_up_token(w)


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
    # feedback: the meeting's facilitators capture; its owner reads; nobody else sees it.
    # The world's meetings are drafts a month away: the guest link is not open yet.
    Route(
        "feedback:capture",
        get=only(LEADER, FACILITATOR),
        kwargs=lambda w, which: {"meeting_id": w.meeting[which].pk},
        scoped=True,
    ),
    Route(
        "feedback:capture_post",
        post=only(LEADER, FACILITATOR, outcome=302),
        kwargs=lambda w, which: {"meeting_id": w.meeting[which].pk},
        data=lambda w: {"text": ""},
        scoped=True,
        note="without JavaScript a refused or invalid item comes back to the page with a message",
    ),
    Route(
        "feedback:capture_poll",
        get=only(LEADER, FACILITATOR),
        kwargs=lambda w, which: {"meeting_id": w.meeting[which].pk},
        scoped=True,
    ),
    Route(
        "feedback:capture_section",
        post=only(FACILITATOR, outcome=302),
        kwargs=lambda w, which: {"meeting_id": w.meeting[which].pk},
        data=lambda w: {"section": "sales"},
        scoped=True,
    ),
    Route(
        "feedback:guest_qr",
        get=only(FACILITATOR, outcome=404),
        kwargs=lambda w, which: {"meeting_id": w.meeting[which].pk},
        scoped=True,
        note="only while the meeting runs",
    ),
    Route(
        "feedback:export_csv",
        get=only(LEADER, FACILITATOR),
        kwargs=lambda w, which: {"meeting_id": w.meeting[which].pk},
        scoped=True,
    ),
    Route(
        "feedback:item_edit",
        get=only(FACILITATOR),
        post=only(FACILITATOR),
        kwargs=lambda w, which: {"pk": w.feedback_item[which].pk},
        data=lambda w: {"text": ""},
        scoped=True,
    ),
    Route(
        "feedback:item_delete",
        post=only(FACILITATOR, outcome=302),
        kwargs=lambda w, which: {"pk": w.feedback_item[which].pk},
        scoped=True,
    ),
    Route(
        "feedback:guest_comment",
        get=everyone(410),
        post=everyone(410),
        kwargs=lambda w, which: {"token": _guest_token(w.meeting[which])},
        note="anonymous by design; the signed link opens only while the meeting runs",
    ),
    # audit
    Route("audit:list", get=only(ADMINISTRATOR)),
    # actions: actions, "you said, we did", the charter (see docs/actions.md)
    Route("actions:list", get=staff(200)),
    Route("actions:mine", get=staff(200)),
    Route("actions:overdue", get=staff(200)),
    Route("actions:by_region", get=staff(200)),
    Route(
        "actions:create",
        get=only(LEADER, FACILITATOR, ADMINISTRATOR),
        post=only(LEADER, FACILITATOR, ADMINISTRATOR, outcome=OK),
        data=lambda w: {"title": "", "due_date": "2000-01-01"},
    ),
    Route(
        "actions:detail",
        get=staff(200),
        kwargs=lambda w, which: {"pk": w.action[which].pk},
        scoped=True,
        other=staff(200),
        note="every role reads every action",
    ),
    Route(
        "actions:edit",
        get=only(LEADER, ADMINISTRATOR),
        post=only(LEADER, ADMINISTRATOR, outcome=OK),
        kwargs=lambda w, which: {"pk": w.action[which].pk},
        scoped=True,
        note="the owner, the meeting's owners and administrators",
    ),
    Route(
        "actions:status",
        post=only(LEADER, ADMINISTRATOR, outcome=OK),
        kwargs=lambda w, which: {"pk": w.action[which].pk},
        scoped=True,
    ),
    Route(
        "actions:follow_up_compose",
        get=only(LEADER, ADMINISTRATOR),
        post=only(LEADER, ADMINISTRATOR, outcome=OK),
        kwargs=lambda w, which: {"meeting_pk": w.meeting[which].pk},
        scoped=True,
        note="the meeting's owner and co-owners, administrators",
    ),
    Route(
        "actions:follow_up_preview",
        get=only(LEADER, ADMINISTRATOR, outcome=OK),
        kwargs=lambda w, which: {"meeting_pk": w.meeting[which].pk},
        scoped=True,
    ),
    Route(
        "actions:follow_up_send",
        post=only(LEADER, ADMINISTRATOR, outcome=OK),
        kwargs=lambda w, which: {"meeting_pk": _follow_up(w, which).meeting_id},
        scoped=True,
    ),
    Route(
        "actions:follow_up_public",
        get=everyone(200),
        kwargs=lambda w, which: {"token": _follow_up_token(w)},
        note="guests read it from the signed link, without an account",
    ),
    Route(
        "actions:charter_list",
        get=staff(200),
        post=only(LEADER, ADMINISTRATOR, outcome=OK),
        data=lambda w: {"name": "", "team": ""},
    ),
    Route(
        "actions:charter_detail",
        get=staff(OK),
        kwargs=lambda w, which: {"pk": _charter(w, which).pk},
    ),
    Route(
        "actions:charter_new_draft",
        post=only(LEADER, ADMINISTRATOR, outcome=OK),
        kwargs=lambda w, which: {"pk": _charter(w, which).pk},
    ),
    Route(
        "actions:charter_diff",
        get=staff(200),
        kwargs=lambda w, which: {"pk": _charter(w, which).pk},
    ),
    Route(
        "actions:charter_missing",
        get=staff(200),
        kwargs=lambda w, which: {"pk": _charter(w, which).pk},
    ),
    Route(
        "actions:charter_promote",
        post=only(LEADER, ADMINISTRATOR, outcome=OK),
        kwargs=lambda w, which: {"pk": _charter(w, which).pk},
        data=lambda w: {"label": "Nothing heard with these words"},
    ),
    Route(
        "actions:charter_heard",
        get=only(LEADER, FACILITATOR, ADMINISTRATOR),
        post=only(LEADER, FACILITATOR, ADMINISTRATOR, outcome=OK),
        kwargs=lambda w, which: {"pk": _charter(w, which).pk},
    ),
    Route(
        "actions:charter_version",
        get=staff(200),
        kwargs=lambda w, which: {"pk": _charter(w, which).versions.get(number=2).pk},
    ),
    Route(
        "actions:charter_item_add",
        post=only(LEADER, ADMINISTRATOR, outcome=OK),
        kwargs=lambda w, which: {"pk": _charter(w, which).versions.get(number=2).pk},
    ),
    Route(
        "actions:charter_version_transition",
        post=only(LEADER, ADMINISTRATOR, outcome=OK),
        kwargs=lambda w, which: {
            "pk": _charter(w, which).versions.get(number=2).pk,
            "step": "review",
        },
    ),
    Route(
        "actions:charter_item_edit",
        get=only(LEADER, ADMINISTRATOR),
        post=only(LEADER, ADMINISTRATOR, outcome=OK),
        kwargs=lambda w, which: {"pk": _charter(w, which).versions.get(number=2).items.first().pk},
    ),
    Route(
        "actions:measure_add",
        post=only(LEADER, ADMINISTRATOR, outcome=OK),
        kwargs=lambda w, which: {
            "item_pk": _charter(w, which).versions.get(number=1).items.first().pk
        },
    ),
    Route(
        "actions:measure_record",
        post=only(LEADER, ADMINISTRATOR, outcome=OK),
        kwargs=lambda w, which: {"pk": _charter(w, which).measures.first().pk},
    ),
]

ADMIN_PROBES = [
    "admin:index",
    "admin:accounts_user_changelist",
    "admin:audit_auditentry_changelist",
]


# meetings — leaders see every meeting and manage their own; facilitators see and prepare
# the meetings they facilitate; executives have no meeting pages (meetings/rules.py).
def _meeting(w, which):
    return {"pk": w.meeting[which].pk}


_MANAGE = only(LEADER, ADMINISTRATOR)
_MANAGE_POST = only(LEADER, ADMINISTRATOR, outcome=OK)
_PREPARE_POST = only(LEADER, FACILITATOR, ADMINISTRATOR, outcome=OK)
_VIEW = only(LEADER, FACILITATOR, ADMINISTRATOR)

ROUTES += [
    Route("meetings:list", get=_VIEW),
    Route("meetings:rhythm", get=_VIEW),
    Route("meetings:create", get=_MANAGE, post=_MANAGE_POST, data=lambda w: {"title": ""}),
    Route(
        "meetings:book_contact",
        get=_MANAGE,
        post=_MANAGE_POST,
        query=lambda w, which: {"contact": w.contact[which].pk},
        data=lambda w: {"contact": w.contact["own"].pk, "meeting": w.meeting["own"].pk},
    ),
    Route(
        "meetings:detail",
        get=_VIEW,
        kwargs=_meeting,
        scoped=True,
        other={LEADER: 200, FACILITATOR: DENY},
    ),
    Route(
        "meetings:edit",
        get=_MANAGE,
        post=_MANAGE_POST,
        kwargs=_meeting,
        scoped=True,
        data=lambda w: {"title": ""},
    ),
    Route(
        "meetings:transition",
        post=_PREPARE_POST,
        kwargs=_meeting,
        scoped=True,
        data=lambda w: {"to": "held"},
        note="a future meeting cannot be marked held: refused with a message",
    ),
    Route(
        "meetings:rate",
        post=only(FACILITATOR, ADMINISTRATOR, outcome=OK),
        kwargs=_meeting,
        scoped=True,
        data=lambda w: {"kind": "4f", "reason": "matrix"},
    ),
    Route("meetings:attendance", post=_PREPARE_POST, kwargs=_meeting, scoped=True),
    Route("meetings:agenda", get=_MANAGE, kwargs=_meeting, scoped=True),
    Route("meetings:agenda_add", post=_MANAGE_POST, kwargs=_meeting, scoped=True),
    Route(
        "meetings:agenda_item_edit",
        get=_MANAGE,
        post=_MANAGE_POST,
        kwargs=lambda w, which: {"pk": w.meeting[which].pk, "item_pk": w.agenda_item[which].pk},
        scoped=True,
        data=lambda w: {"title": ""},
    ),
    Route("meetings:agenda_delete", post=_MANAGE_POST, kwargs=_meeting, scoped=True),
    Route("meetings:agenda_move", post=_MANAGE_POST, kwargs=_meeting, scoped=True),
    Route("meetings:agenda_reorder", post=_MANAGE_POST, kwargs=_meeting, scoped=True),
    Route("meetings:customer_first", post=_MANAGE_POST, kwargs=_meeting, scoped=True),
    Route(
        "meetings:agenda_print",
        get=_VIEW,
        kwargs=_meeting,
        scoped=True,
        other={LEADER: 200, FACILITATOR: DENY},
    ),
    Route("meetings:guests", get=_MANAGE, post=_MANAGE_POST, kwargs=_meeting, scoped=True),
    Route("meetings:guests_preview", post=_MANAGE_POST, kwargs=_meeting, scoped=True),
    Route("meetings:guest_remove", post=_MANAGE_POST, kwargs=_meeting, scoped=True),
    Route("meetings:prep_toggle", post=_PREPARE_POST, kwargs=_meeting, scoped=True),
    Route("meetings:prep_add", post=_PREPARE_POST, kwargs=_meeting, scoped=True),
    Route(
        "meetings:prep_brief",
        get=_VIEW,
        kwargs=_meeting,
        scoped=True,
        other={LEADER: 200, FACILITATOR: DENY},
    ),
    Route(
        "meetings:questions",
        get=_VIEW,
        post=_PREPARE_POST,
        kwargs=_meeting,
        scoped=True,
        data=lambda w: {"action": "none"},
    ),
]
