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

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

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
    # Why this POST needs no CSRF token (signed-link pages with no session); else None.
    csrf_exempt: str | None = None
    note: str = ""

    def expected_other(self, method: str) -> dict[str, Any]:
        """By default our leader and facilitator are refused the other side's objects;
        `other` overrides that per role (e.g. every leader may read every meeting)."""
        base = dict(self.get if method == "get" else self.post)
        for role in (LEADER, FACILITATOR):
            if base.get(role) not in (LOGIN, None):
                base[role] = DENY
        base.update(self.other or {})
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
# own check (the Administrator role, accounts.admin_site), which the matrix probes on
# the index and every registered model's list page (ADMIN_PROBES).
ADMIN_NAMESPACE = "admin"


# Argument builders: (world, which) -> URL kwargs, "which" being "own" or "other".
def org_kwargs(w, which):
    return {"pk": w.organisation[which].pk}


def contact_kwargs(w, which):
    return {"pk": w.contact[which].pk}


def import_kwargs(w, which):
    return {"pk": w.customer_import[which].pk}


def meeting_kwargs(w, which):
    return {"pk": w.meeting[which].pk}


def template_kwargs(w, which):
    return {"pk": w.agenda_template[which].pk}


def question_kwargs(w, which):
    return {"pk": w.question[which].pk}


def meeting_id_kwargs(w, which):
    return {"meeting_id": w.meeting[which].pk}


def agenda_item_kwargs(w, which):
    return {"pk": w.meeting[which].pk, "item_pk": w.agenda_item[which].pk}


def booking_kwargs(w, which):
    return {"pk": w.meeting[which].pk, "booking_pk": w.booking[which].pk}


def mail_kwargs(w, which):
    return {"pk": w.mail[which].pk}


def feedback_item_kwargs(w, which):
    return {"pk": w.feedback_item[which].pk}


def action_kwargs(w, which):
    return {"pk": w.action[which].pk}


def meeting_pk_kwargs(w, which):
    return {"meeting_pk": w.meeting[which].pk}


def token(w, name, which):
    """A signed link's token: ours, or for "other" a forged one (see world.py)."""
    return getattr(w, name if which == "own" else f"{name}_forged")


# A forged signed link (another object's id under our link's signature) opens nothing.
FORGED_LINK = {ANON: DENY, LEADER: DENY, FACILITATOR: DENY, EXECUTIVE: DENY, ADMINISTRATOR: DENY}


def charter_kwargs(w, which):
    return {"pk": w.charter[which].pk}


def version_kwargs(w, which):
    return {"pk": w.charter_version[which].pk}


def charter_item_kwargs(w, which):
    return {"pk": w.charter_item[which].pk}


# Actions (actions/rules.py): every role reads actions and charters; an action is
# changed by its owner, its meeting's owner or an administrator; a leader writes the
# charter (and records the measures) of the regions they lead — region B's charter is
# leader 2's, an IDOR for our leader — administrators every charter; executives read
# only; facilitators also place the expectations heard in meetings they facilitated.
CHANGE_ACTION = {**only(ADMINISTRATOR, LEADER, others=403)}
FOLLOW_UP = {**only(ADMINISTRATOR, LEADER, others=403)}
CHANGE_CHARTER = {**only(ADMINISTRATOR, LEADER, others=403)}
CHANGE_CHARTER_POST = {**CHANGE_CHARTER, ADMINISTRATOR: OK, LEADER: OK}
LINK_EXPECTATION = only(ADMINISTRATOR, LEADER, FACILITATOR, outcome=OK, others=403)
# Dashboard: executives, leaders and administrators; themes are managed by executives
# and administrators.
DASHBOARD = only(ADMINISTRATOR, LEADER, EXECUTIVE, others=403)
MANAGE_THEMES = only(ADMINISTRATOR, EXECUTIVE, outcome=OK, others=403)


# Meetings (meetings/rules.py): leaders see every meeting and manage their own;
# facilitators see and prepare the meetings they facilitate; executives see none (404).
VIEW_MEETING = only(ADMINISTRATOR, LEADER, FACILITATOR)
MANAGE_MEETING_GET = {**only(ADMINISTRATOR, LEADER), FACILITATOR: 403, EXECUTIVE: 404}
MANAGE_MEETING = {**MANAGE_MEETING_GET, ADMINISTRATOR: OK, LEADER: OK}
PREPARE_MEETING_GET = {**only(ADMINISTRATOR, LEADER, FACILITATOR), EXECUTIVE: 404}
PREPARE_MEETING = {**PREPARE_MEETING_GET, ADMINISTRATOR: OK, LEADER: OK, FACILITATOR: OK}
RATE_MEETING = {ANON: LOGIN, ADMINISTRATOR: OK, FACILITATOR: OK, LEADER: 403, EXECUTIVE: 404}
# On the other leader's meeting: our leader may look (200) but not touch (403).
LEADER_SEES_ALL = {LEADER: 200}
LEADER_FORBIDDEN = {LEADER: 403}

# Invitations and outbox: administrators, and leaders who own, co-own or lead the region
# of the meeting; for anyone else the meeting does not exist (404).
INVITE = {**only(ADMINISTRATOR, LEADER, others=404), ANON: LOGIN}
INVITE_POST = {**INVITE, ADMINISTRATOR: OK, LEADER: OK}

# Feedback (feedback/rules.py): the meeting's facilitators capture; its owner and
# co-owners read; for everyone else — administrators included — it does not exist.
FEEDBACK_READ = {**only(LEADER, FACILITATOR, others=404), ANON: LOGIN}
FEEDBACK_CAPTURE = {**only(FACILITATOR, others=404), ANON: LOGIN}
FEEDBACK_CAPTURE_POST = {**FEEDBACK_CAPTURE, FACILITATOR: OK}
# The owner reads the meeting's feedback; a capture attempt is refused with a message
# (409 to the capture script, a redirect back with the message otherwise; nothing saved,
# see tests/feedback/test_capture.py::test_owner_and_co_owner_read_but_cannot_capture).
FEEDBACK_CAPTURE_NEW = {**FEEDBACK_CAPTURE_POST, LEADER: 302}


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
    Route(
        "language",
        get=staff(200),
        post=staff(OK),
        data=lambda w: {"language": "de"},
        note="the user's own language; nothing of anyone else's",
    ),
    Route("healthz", get=everyone(200)),
    # customers (customers/rules.py): every role reads organisations; administrators and
    # the leaders of an organisation's region edit; executives never see contacts.
    Route("customers:list", get=staff(200)),
    Route("customers:export", get=staff(200)),
    Route("customers:invite_next", get=staff(200)),
    Route(
        "customers:organisation_create",
        get=only(ADMINISTRATOR, LEADER),
        post=only(ADMINISTRATOR, LEADER, outcome=OK),
    ),
    Route(
        "customers:organisation",
        get=staff(200),
        kwargs=org_kwargs,
        scoped=True,
        other={LEADER: 200, FACILITATOR: 200},
    ),
    Route(
        "customers:organisation_edit",
        get=only(ADMINISTRATOR, LEADER),
        post=only(ADMINISTRATOR, LEADER, outcome=OK),
        kwargs=org_kwargs,
        scoped=True,
    ),
    Route(
        "customers:contact_create",
        get=only(ADMINISTRATOR, LEADER),
        post=only(ADMINISTRATOR, LEADER, outcome=OK),
        kwargs=org_kwargs,
        scoped=True,
    ),
    Route(
        "customers:contact_edit",
        get=only(ADMINISTRATOR, LEADER),
        post=only(ADMINISTRATOR, LEADER, outcome=OK),
        kwargs=contact_kwargs,
        scoped=True,
    ),
    Route(
        "customers:contact_erase",
        get=only(ADMINISTRATOR, LEADER),
        post=only(ADMINISTRATOR, LEADER, outcome=OK),
        kwargs=contact_kwargs,
        scoped=True,
    ),
    Route(
        "customers:import",
        get=only(ADMINISTRATOR, LEADER),
        post=only(ADMINISTRATOR, LEADER, outcome=OK),
    ),
    # A pending import is its uploader's alone: anyone else gets 404.
    Route("customers:import_preview", get=only(LEADER), kwargs=import_kwargs, scoped=True),
    Route(
        "customers:import_confirm",
        post=only(LEADER, outcome=OK),
        kwargs=import_kwargs,
        scoped=True,
    ),
    # meetings
    Route("meetings:list", get=only(ADMINISTRATOR, LEADER, FACILITATOR)),
    Route("meetings:rhythm", get=only(ADMINISTRATOR, LEADER, FACILITATOR)),
    Route(
        "meetings:create",
        get=only(ADMINISTRATOR, LEADER),
        post=only(ADMINISTRATOR, LEADER, outcome=OK),
    ),
    Route(
        "meetings:book_contact",
        get=only(ADMINISTRATOR, LEADER),
        post=only(ADMINISTRATOR, LEADER, outcome=OK),
        query=lambda w, which: {"contact": w.contact[which].pk},
    ),
    Route(
        "meetings:detail",
        get=VIEW_MEETING,
        kwargs=meeting_kwargs,
        scoped=True,
        other=LEADER_SEES_ALL,
    ),
    Route(
        "meetings:agenda_print",
        get=VIEW_MEETING,
        kwargs=meeting_kwargs,
        scoped=True,
        other=LEADER_SEES_ALL,
    ),
    Route(
        "meetings:prep_brief",
        get=VIEW_MEETING,
        kwargs=meeting_kwargs,
        scoped=True,
        other=LEADER_SEES_ALL,
    ),
    Route(
        "meetings:edit",
        get=MANAGE_MEETING_GET,
        post=MANAGE_MEETING,
        kwargs=meeting_kwargs,
        scoped=True,
        other=LEADER_FORBIDDEN,
    ),
    Route(
        "meetings:agenda",
        get=MANAGE_MEETING_GET,
        kwargs=meeting_kwargs,
        scoped=True,
        other=LEADER_FORBIDDEN,
    ),
    Route(
        "meetings:agenda_add",
        post=MANAGE_MEETING,
        kwargs=meeting_kwargs,
        scoped=True,
        other=LEADER_FORBIDDEN,
    ),
    Route(
        "meetings:agenda_item_edit",
        get=MANAGE_MEETING_GET,
        post=MANAGE_MEETING,
        kwargs=agenda_item_kwargs,
        scoped=True,
        other=LEADER_FORBIDDEN,
    ),
    Route(
        "meetings:agenda_delete",
        post=MANAGE_MEETING,
        kwargs=meeting_kwargs,
        scoped=True,
        other=LEADER_FORBIDDEN,
    ),
    Route(
        "meetings:agenda_move",
        post=MANAGE_MEETING,
        kwargs=meeting_kwargs,
        scoped=True,
        other=LEADER_FORBIDDEN,
    ),
    Route(
        "meetings:agenda_reorder",
        post=MANAGE_MEETING,
        kwargs=meeting_kwargs,
        scoped=True,
        other=LEADER_FORBIDDEN,
    ),
    Route(
        "meetings:customer_first",
        post=MANAGE_MEETING,
        kwargs=meeting_kwargs,
        scoped=True,
        other=LEADER_FORBIDDEN,
    ),
    Route(
        "meetings:guests",
        get=MANAGE_MEETING_GET,
        post=MANAGE_MEETING,
        kwargs=meeting_kwargs,
        scoped=True,
        other=LEADER_FORBIDDEN,
    ),
    Route(
        "meetings:guests_preview",
        post=MANAGE_MEETING,
        kwargs=meeting_kwargs,
        scoped=True,
        other=LEADER_FORBIDDEN,
    ),
    Route(
        "meetings:guest_remove",
        post=MANAGE_MEETING,
        kwargs=meeting_kwargs,
        scoped=True,
        other=LEADER_FORBIDDEN,
    ),
    Route(
        "meetings:guests_staff",
        post=MANAGE_MEETING,
        kwargs=meeting_kwargs,
        scoped=True,
        other=LEADER_FORBIDDEN,
    ),
    Route(
        "meetings:transition",
        post=PREPARE_MEETING,
        kwargs=meeting_kwargs,
        data=lambda w: {"to": "held"},
        scoped=True,
        other=LEADER_FORBIDDEN,
    ),
    Route("meetings:rate", post=RATE_MEETING, kwargs=meeting_kwargs, scoped=True),
    Route(
        "meetings:attendance",
        post=PREPARE_MEETING,
        kwargs=meeting_kwargs,
        scoped=True,
        other=LEADER_FORBIDDEN,
    ),
    Route(
        "meetings:prep_toggle",
        post=PREPARE_MEETING,
        kwargs=meeting_kwargs,
        scoped=True,
        other=LEADER_FORBIDDEN,
    ),
    Route(
        "meetings:prep_add",
        post=PREPARE_MEETING,
        kwargs=meeting_kwargs,
        scoped=True,
        other=LEADER_FORBIDDEN,
    ),
    Route(
        "meetings:questions",
        get=PREPARE_MEETING_GET,
        post=PREPARE_MEETING,
        kwargs=meeting_kwargs,
        scoped=True,
        other=LEADER_FORBIDDEN,
    ),
    # Agenda templates and the question bank (meetings/rules.py): administrators manage
    # all; a leader changes their own. Another leader's template does not exist for them
    # (404); another leader's question is in the shared bank, but not theirs (403).
    Route(
        "meetings:template_save",
        post=MANAGE_MEETING,
        kwargs=meeting_kwargs,
        scoped=True,
        other=LEADER_FORBIDDEN,
    ),
    Route("meetings:templates", get=only(ADMINISTRATOR, LEADER)),
    Route(
        "meetings:template_edit",
        get=only(ADMINISTRATOR, LEADER),
        post=only(ADMINISTRATOR, LEADER, outcome=OK),
        kwargs=template_kwargs,
        scoped=True,
    ),
    Route(
        "meetings:template_delete",
        post=only(ADMINISTRATOR, LEADER, outcome=OK),
        kwargs=template_kwargs,
        scoped=True,
    ),
    Route(
        "meetings:question_bank",
        get=only(ADMINISTRATOR, LEADER),
        post=only(ADMINISTRATOR, LEADER, outcome=OK),
    ),
    Route(
        "meetings:question_edit",
        get=only(ADMINISTRATOR, LEADER),
        post=only(ADMINISTRATOR, LEADER, outcome=OK),
        kwargs=question_kwargs,
        scoped=True,
    ),
    Route(
        "meetings:question_delete",
        post=only(ADMINISTRATOR, LEADER, outcome=OK),
        kwargs=question_kwargs,
        scoped=True,
    ),
    # outbox (outbox/rules.py): leaders and administrators read the outbox; a leader sees
    # the mail of meetings they own, co-own or whose region they lead (else 404).
    Route("outbox:list", get=only(ADMINISTRATOR, LEADER)),
    Route("outbox:detail", get=only(ADMINISTRATOR, LEADER), kwargs=mail_kwargs, scoped=True),
    Route("outbox:html", get=only(ADMINISTRATOR, LEADER), kwargs=mail_kwargs, scoped=True),
    Route(
        "outbox:retry",
        post=only(ADMINISTRATOR, LEADER, outcome=OK),
        kwargs=mail_kwargs,
        scoped=True,
    ),
    Route(
        "outbox:opt_out",
        get=everyone(200),
        post=everyone(OK),
        kwargs=lambda w, which: {"token": token(w, "opt_out_token", which)},
        scoped=True,
        # A forged unsubscribe link is a bad request ("this link is not valid"), not a
        # private object: 400, and nobody is unsubscribed.
        other=everyone(400),
        csrf_exempt="RFC 8058 one-click unsubscribe posts without a session; the token is the proof",
    ),
    # invitations
    Route("invitations:meeting", get=INVITE, post=INVITE_POST, kwargs=meeting_kwargs, scoped=True),
    Route("invitations:preview_html", get=INVITE, kwargs=booking_kwargs, scoped=True),
    # Next month's guests, proposed: each leader sees and books only their own regions'.
    Route("invitations:proposals", get=only(ADMINISTRATOR, LEADER)),
    Route("invitations:proposal_accept", post=only(ADMINISTRATOR, LEADER, outcome=OK)),
    Route("invitations:update", post=INVITE_POST, kwargs=meeting_kwargs, scoped=True),
    Route("invitations:nudge", post=INVITE_POST, kwargs=meeting_kwargs, scoped=True),
    Route("invitations:cancel", post=INVITE_POST, kwargs=meeting_kwargs, scoped=True),
    Route("invitations:record_answer", post=INVITE_POST, kwargs=booking_kwargs, scoped=True),
    # The guest's signed RSVP link: anyone holding it, nobody without it.
    Route(
        "invitations:rsvp",
        get=everyone(200),
        post=everyone(OK),
        kwargs=lambda w, which: {"token": token(w, "rsvp_token", which)},
        scoped=True,
        other=FORGED_LINK,
    ),
    # feedback
    Route("feedback:capture", get=FEEDBACK_READ, kwargs=meeting_id_kwargs, scoped=True),
    Route("feedback:capture_poll", get=FEEDBACK_READ, kwargs=meeting_id_kwargs, scoped=True),
    # "Older items": the page before a keyset cursor (an item number within the meeting,
    # read by param_int; the meeting in the URL decides who may read).
    Route(
        "feedback:capture_older",
        get=FEEDBACK_READ,
        kwargs=meeting_id_kwargs,
        query=lambda w, which: {"before": 2},
        headers={"HX-Request": "true"},
        scoped=True,
    ),
    Route("feedback:export_csv", get=FEEDBACK_READ, kwargs=meeting_id_kwargs, scoped=True),
    Route(
        "feedback:capture_post", post=FEEDBACK_CAPTURE_NEW, kwargs=meeting_id_kwargs, scoped=True
    ),
    Route(
        "feedback:capture_section",
        post=FEEDBACK_CAPTURE_POST,
        kwargs=meeting_id_kwargs,
        scoped=True,
    ),
    Route("feedback:guest_qr", get=FEEDBACK_CAPTURE, kwargs=meeting_id_kwargs, scoped=True),
    Route(
        "feedback:item_edit",
        get=FEEDBACK_CAPTURE,
        post=FEEDBACK_CAPTURE_POST,
        kwargs=feedback_item_kwargs,
        scoped=True,
    ),
    Route(
        "feedback:item_delete", post=FEEDBACK_CAPTURE_POST, kwargs=feedback_item_kwargs, scoped=True
    ),
    Route(
        "feedback:guest_comment",
        get=everyone(200),
        post=everyone(OK),
        kwargs=lambda w, which: {"token": token(w, "guest_token", which)},
        scoped=True,
        other=FORGED_LINK,
        csrf_exempt="guest pages set no cookie at all; the signed link is the capability",
    ),
    # actions
    Route("actions:list", get=staff(200)),
    Route("actions:mine", get=staff(200)),
    Route("actions:overdue", get=staff(200)),
    Route("actions:by_region", get=staff(200)),
    Route(
        "actions:create",
        get=only(ADMINISTRATOR, LEADER, FACILITATOR, others=403),
        post=only(ADMINISTRATOR, LEADER, FACILITATOR, outcome=OK, others=403),
    ),
    Route(
        "actions:detail",
        get=staff(200),
        kwargs=action_kwargs,
        scoped=True,
        other={LEADER: 200, FACILITATOR: 200},
    ),
    Route(
        "actions:edit",
        get=CHANGE_ACTION,
        post={**CHANGE_ACTION, ADMINISTRATOR: OK, LEADER: OK},
        kwargs=action_kwargs,
        scoped=True,
    ),
    Route(
        "actions:status",
        post={**CHANGE_ACTION, ADMINISTRATOR: OK, LEADER: OK},
        kwargs=action_kwargs,
        scoped=True,
    ),
    # "Recover now" on a concern: the meeting's facilitators and its leader; for anyone
    # who may not read the item (administrators, executives, the other side) it does not
    # exist.
    Route(
        "actions:recover_now",
        post={**FEEDBACK_READ, LEADER: OK, FACILITATOR: OK},
        kwargs=lambda w, which: {"item_pk": w.feedback_item[which].pk},
        scoped=True,
    ),
    Route(
        "actions:follow_up_compose",
        # The world's follow-ups are published: composing sends you to what was sent.
        get={**FOLLOW_UP, ADMINISTRATOR: 302, LEADER: 302},
        post={**FOLLOW_UP, ADMINISTRATOR: OK, LEADER: OK},
        kwargs=meeting_pk_kwargs,
        scoped=True,
    ),
    Route("actions:follow_up_preview", get=FOLLOW_UP, kwargs=meeting_pk_kwargs, scoped=True),
    Route(
        "actions:follow_up_send",
        post={**FOLLOW_UP, ADMINISTRATOR: OK, LEADER: OK},
        kwargs=meeting_pk_kwargs,
        scoped=True,
    ),
    # The guest's signed "you said, we did" link.
    Route(
        "actions:follow_up_public",
        get=everyone(200),
        kwargs=lambda w, which: {"token": token(w, "follow_up_token", which)},
        scoped=True,
        other=FORGED_LINK,
    ),
    # The guest's standing page and their answers on the charter (signed link).
    Route(
        "actions:guest_page",
        get=everyone(200),
        kwargs=lambda w, which: {"token": token(w, "guest_page_token", which)},
        scoped=True,
        other=FORGED_LINK,
    ),
    Route(
        "actions:guest_endorse",
        post=everyone(OK),
        kwargs=lambda w, which: {"token": token(w, "guest_page_token", which)},
        scoped=True,
        other=FORGED_LINK,
    ),
    Route(
        "actions:charter_list",
        get=staff(200),
        post=CHANGE_CHARTER_POST,
        note="a leader may create charters only for the regions they lead (region choices)",
    ),
    # Reading a charter is for every role, whichever region it belongs to.
    Route(
        "actions:charter_detail",
        get=staff(302),
        kwargs=charter_kwargs,
        scoped=True,
        other={LEADER: 302, FACILITATOR: 302},
        note="to its version",
    ),
    Route(
        "actions:charter_diff",
        get=staff(302),
        kwargs=charter_kwargs,
        scoped=True,
        other={LEADER: 302, FACILITATOR: 302},
        note="nothing published to compare: back to the charter",
    ),
    Route(
        "actions:charter_missing",
        get=staff(200),
        kwargs=charter_kwargs,
        scoped=True,
        other={LEADER: 200, FACILITATOR: 200},
    ),
    Route(
        "actions:charter_version",
        get=staff(200),
        kwargs=version_kwargs,
        scoped=True,
        other={LEADER: 200, FACILITATOR: 200},
    ),
    # Writing one is for the leaders of its region and administrators.
    Route(
        "actions:charter_new_draft",
        post=CHANGE_CHARTER_POST,
        kwargs=charter_kwargs,
        scoped=True,
    ),
    Route(
        "actions:charter_promote",
        post=CHANGE_CHARTER_POST,
        kwargs=charter_kwargs,
        scoped=True,
    ),
    # Facilitators place what was heard in their own meetings: region A's charter for ours.
    Route(
        "actions:charter_heard",
        get=only(ADMINISTRATOR, LEADER, FACILITATOR, others=403),
        post=LINK_EXPECTATION,
        kwargs=charter_kwargs,
        scoped=True,
        note="no expectation to place is posted: a message and a redirect once the permission check passed",
    ),
    Route(
        "actions:charter_item_add",
        post=CHANGE_CHARTER_POST,
        kwargs=version_kwargs,
        scoped=True,
    ),
    Route(
        "actions:charter_version_transition",
        post=CHANGE_CHARTER_POST,
        kwargs=lambda w, which: {"pk": w.charter_version[which].pk, "step": "review"},
        scoped=True,
    ),
    Route(
        "actions:charter_item_edit",
        get=CHANGE_CHARTER,
        post=CHANGE_CHARTER_POST,
        kwargs=charter_item_kwargs,
        scoped=True,
    ),
    Route(
        "actions:measure_add",
        post=CHANGE_CHARTER_POST,
        kwargs=lambda w, which: {"item_pk": w.charter_item[which].pk},
        scoped=True,
    ),
    Route(
        "actions:measure_record",
        post=CHANGE_CHARTER_POST,
        kwargs=lambda w, which: {"pk": w.measure[which].pk},
        scoped=True,
    ),
    # dashboard
    Route("dashboard:index", get=DASHBOARD),
    Route("dashboard:print", get=DASHBOARD),
    Route("dashboard:export_csv", get=DASHBOARD),
    Route("dashboard:export_json", get=DASHBOARD),
    Route("dashboard:themes", get=DASHBOARD),
    Route("dashboard:recompute", post=MANAGE_THEMES),
    Route("dashboard:theme_rename", post=MANAGE_THEMES, kwargs=lambda w, which: {"pk": w.theme.pk}),
    Route("dashboard:theme_merge", post=MANAGE_THEMES, kwargs=lambda w, which: {"pk": w.theme.pk}),
    # Themes tied to a measure: by those who record the charter's measures.
    Route(
        "dashboard:measure_themes",
        get=only(ADMINISTRATOR, LEADER),
        post=only(ADMINISTRATOR, LEADER, outcome=OK),
        kwargs=lambda w, which: {"pk": w.measure[which].pk},
        scoped=True,
    ),
    Route(
        "dashboard:measure_theme_remove",
        post=only(ADMINISTRATOR, LEADER, outcome=OK),
        kwargs=lambda w, which: {"pk": w.measure[which].pk},
        scoped=True,
    ),
    # audit
    Route("audit:list", get=only(ADMINISTRATOR)),
]


def admin_probes() -> list[str]:
    """The admin's index and the list page of every model registered with it."""
    from django.contrib import admin

    return ["admin:index"] + sorted(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        for model in admin.site._registry
    )


ADMIN_PROBES = admin_probes()


# --- Ids a user can send -------------------------------------------------------------------
#
# Every id a request can carry besides the path — a query-string prefill or filter
# (``?feedback=``, ``?meeting=``, ``?contact=`` …), a POSTed foreign key (a model choice
# field of a form) or a hidden id of a small POST-only action — has an `IdInput` entry:
# which route reads it, the *other side's* object to send (one the acting user may not
# see or use), and what must happen then:
#
# - ``REFUSED``: 400/403/404, or the form again with its error, or a redirect with an
#   error message; nothing is written and the other object's secret text is not shown;
# - ``IGNORED``: the page answers as if the id had not been sent (a filter or a "back
#   to" that is dropped); nothing is written and the secret is not shown;
# - ``ALLOWED``: the rules let every user of the role use every such object (say why in
#   ``note``); only "no 500" is checked.
#
# `test_every_id_input_has_an_entry` finds these inputs in the code — every
# ModelChoiceField / ModelMultipleChoiceField of the project's forms, and every
# ``param_id`` / ``param_ids`` call in a views module (accounts/params.py is the one way
# views read ids) — and fails for any without an entry here.

REFUSED = "REFUSED"
IGNORED = "IGNORED"
ALLOWED = "ALLOWED"
QUERY = "query"
POST = "post"


@dataclass
class IdInput:
    # Where the code reads it: "app.forms.Form.field" or "app.views.function:parameter".
    source: str
    route: str
    name: str  # the query parameter or form field sent
    where: str  # QUERY (a GET with ?name=) or POST
    outcome: str  # REFUSED, IGNORED or ALLOWED
    # (world) -> the other side's id; may create the object it needs.
    other: Callable[[World], Any] | None = None
    role: str = LEADER
    # (world) -> the rest of a valid form, so that a refusal is the foreign id's doing;
    # with `own`, the same form with our own id must then go through (not refused).
    data: Callable[[World], dict] | None = None
    own: Callable[[World], Any] | None = None
    # (world) -> text of the other side's object that must not appear in the answer.
    secret: Callable[[World], str] | None = None
    note: str = ""


def _other_measure_theme(w):
    """A theme tied to the other region's measure, posted to untie from ours."""
    from dashboard.models import MeasureTheme

    return MeasureTheme.objects.create(
        measure=w.measure["other"],
        theme_key=w.theme.key,
        theme_name=w.theme.name,
        linked_by=w.users["leader2"],
    ).pk


def _led_region_without_charter(w):
    from tests.factories import RegionFactory

    region = RegionFactory(name="Region A2")
    region.leaders.add(w.users[LEADER])
    return region.pk


def _other_item_while_composing(w):
    """The other meeting's item, posted to our follow-up (a draft, the meeting held)."""
    from actions.models import FollowUp
    from meetings.models import Meeting

    Meeting.objects.filter(pk=w.meeting["own"].pk).update(status=Meeting.Status.HELD)
    FollowUp.objects.filter(pk=w.follow_up["own"].pk).update(published_at=None)
    return w.feedback_item["other"].pk


def _agenda_template(w):
    from meetings.models import AgendaTemplate

    return AgendaTemplate.objects.create(name="Another team's template").pk


def _fresh_contact(w):
    """A contact of our region not yet booked into our meeting."""
    from tests.factories import ContactFactory

    return ContactFactory(organisation=w.organisation["own"]).pk


def _other_prep_item(w):
    from meetings.models import PrepItem

    return PrepItem.objects.create(
        meeting=w.meeting["other"], text="Other side's step", position=1
    ).pk


def _question(w):
    from meetings.models import Question

    return Question.objects.create(text="What would you change first?").pk


def _other_chosen_question(w):
    from meetings.models import MeetingQuestion

    return MeetingQuestion.objects.create(
        meeting=w.meeting["other"], question_id=_question(w), position=0
    ).pk


def _meeting_form(w, **extra):
    return {
        "title": "Spring panel",
        "type": "leadership",
        "region": w.region["own"].pk,
        "country": "GB",
        "starts_at": "2031-05-01T10:00",
        "ends_at": "2031-05-01T12:00",
        "time_zone": "Europe/London",
        **extra,
    }


def _action_form(w):
    import datetime as dt

    return {
        "title": "Call back within a day",
        "owner": w.users[LEADER].pk,
        "due_date": (dt.date.today() + dt.timedelta(days=30)).isoformat(),  # noqa: DTZ011
    }


def _feedback_text(which):
    return lambda w: w.feedback_item[which].text


ID_INPUTS: list[IdInput] = [
    # actions
    IdInput(
        "actions.views._action_list:region", "actions:list", "region", QUERY, ALLOWED,
        other=lambda w: w.region["other"].pk,
        note="every role reads every action (actions/rules.py); the filter narrows the list",
    ),
    IdInput(
        "actions.views._action_list:meeting", "actions:list", "meeting", QUERY, ALLOWED,
        other=lambda w: w.meeting["other"].pk,
        note="every role reads every action and the meeting it came from",
    ),
    IdInput(
        "actions.views.action_create:feedback", "actions:create", "feedback", QUERY, REFUSED,
        other=lambda w: w.feedback_item["other"].pk, role=FACILITATOR,
        secret=_feedback_text("other"),
        note="issue #18: another meeting's item was shown and the action created on it",
    ),
    IdInput(
        "actions.views.action_create:feedback", "actions:create", "feedback", POST, REFUSED,
        other=lambda w: w.feedback_item["other"].pk, role=LEADER,
        data=_action_form, own=lambda w: w.feedback_item["own"].pk,
        secret=_feedback_text("other"),
    ),
    IdInput(
        "actions.views.action_create:meeting", "actions:create", "meeting", QUERY, REFUSED,
        other=lambda w: w.meeting["other"].pk, role=FACILITATOR,
    ),
    IdInput(
        "actions.views.action_create:meeting", "actions:create", "meeting", POST, REFUSED,
        other=lambda w: w.meeting["other"].pk,
        data=_action_form, own=lambda w: w.meeting["own"].pk,
        note="leaders see every meeting, but add actions only to meetings they take part in",
    ),
    IdInput(
        "actions.forms.ActionForm.owner", "actions:create", "owner", POST, REFUSED,
        other=lambda w: w.users[EXECUTIVE].pk,
        data=_action_form, own=lambda w: w.users[LEADER].pk,
        note="an executive cannot own an action",
    ),
    IdInput(
        "actions.forms.FollowUpForm.feedback_items", "actions:follow_up_compose",
        "feedback_items", POST, REFUSED, other=_other_item_while_composing,
        own=lambda w: w.feedback_item["own"].pk,
        note="only the meeting's own items can be answered",
    ),
    IdInput(
        "actions.forms.CharterForm.region", "actions:charter_list", "region", POST, REFUSED,
        other=lambda w: w.region["other"].pk,
        data=lambda w: {"name": "Our promise"}, own=_led_region_without_charter,
        note="a leader writes the charters of the regions they lead",
    ),
    IdInput(
        "actions.views.charter_diff:new", "actions:charter_diff", "new", QUERY, IGNORED,
        other=lambda w: w.charter_version["other"].number,
        note="version numbers of this charter only",
    ),
    IdInput(
        "actions.views.charter_diff:old", "actions:charter_diff", "old", QUERY, IGNORED,
        other=lambda w: w.charter_version["other"].number,
    ),
    IdInput(
        "actions.views.charter_heard:feedback_item", "actions:charter_heard", "feedback_item",
        POST, REFUSED, other=lambda w: w.feedback_item["other"].pk, role=FACILITATOR,
        data=lambda w: {"placement": "none", "label": "Answer within a day"},
        note="only expectations heard in the user's own meetings are placed",
    ),
    IdInput(
        "actions.views.measure_record:version", "actions:measure_record", "version", POST,
        IGNORED, other=lambda w: w.charter_version["other"].pk,
        secret=lambda w: reverse("actions:charter_version", args=[w.charter_version["other"].pk]),
        note="the redirect back goes to this measure's charter instead",
    ),
    # customers
    IdInput(
        "customers.forms.CustomerFilterForm.facet", "customers:list", "facet", QUERY, ALLOWED,
        other=lambda w: __import__("tests.factories").factories.FacetFactory().pk,
        note="facets are one list for everyone",
    ),
    IdInput(
        "customers.forms.CustomerFilterForm.region", "customers:list", "region", QUERY,
        ALLOWED, other=lambda w: w.region["other"].pk,
        note="organisations of every region are read by every role; contacts are not shown",
    ),
    IdInput(
        "customers.forms.OrganisationForm.region", "customers:organisation_create", "region",
        POST, REFUSED, other=lambda w: w.region["other"].pk,
        data=lambda w: {"name": "New Org", "tier": "key", "country": "GB"},
        own=lambda w: w.region["own"].pk,
        note="only the regions the leader leads",
    ),
    IdInput(
        "customers.forms.OrganisationForm.facets", "customers:organisation_create", "facets",
        POST, ALLOWED, other=lambda w: __import__("tests.factories").factories.FacetFactory().pk,
        note="facets are one list for everyone",
    ),
    IdInput(
        "customers.forms.OrganisationForm.account_owner", "customers:organisation_create",
        "account_owner", POST, REFUSED, other=lambda w: w.users[EXECUTIVE].pk,
        data=lambda w: {"name": "New Org", "tier": "key", "region": w.region["own"].pk, "country": "GB"},
        own=lambda w: w.users[LEADER].pk,
        note="a leader or administrator owns an account",
    ),
    # dashboard
    IdInput(
        "dashboard.forms.DashboardFilterForm.region", "dashboard:index", "region", QUERY,
        ALLOWED, other=lambda w: w.region["other"].pk,
        note="aggregates of every region, behind the suppression rule",
    ),
    IdInput(
        "dashboard.forms.DashboardFilterForm.stage", "dashboard:index", "stage", QUERY, ALLOWED,
        other=lambda w: __import__("tests.factories").factories.JourneyStageFactory().pk,
        note="journey stages are one list for everyone",
    ),
    IdInput(
        "dashboard.forms.ThemeMergeForm.target", "dashboard:theme_merge", "target", POST,
        ALLOWED, role=EXECUTIVE, other=lambda w: w.theme.pk,
        note="themes are one list, managed by executives and administrators",
    ),
    IdInput(
        "dashboard.forms.MeasureThemeForm.theme", "dashboard:measure_themes", "theme", POST,
        ALLOWED, other=lambda w: w.theme.pk,
        note="themes are one list shared by every region; the leader ties any to their measure",
    ),
    IdInput(
        "dashboard.forms.MeasureThemeUnlinkForm.link", "dashboard:measure_theme_remove", "link",
        POST, REFUSED, other=_other_measure_theme,
    ),
    # invitations
    IdInput(
        "invitations.forms.ProposalBookForm.contact", "invitations:proposal_accept", "contact",
        POST, REFUSED, other=lambda w: w.contact["other"].pk,
        data=lambda w: {"meeting": w.meeting["own"].pk},
        secret=lambda w: w.contact["other"].name,
        note="a contact of a region the leader does not lead is not one of the choices",
    ),
    IdInput(
        "invitations.forms.ProposalBookForm.meeting", "invitations:proposal_accept", "meeting",
        POST, REFUSED, other=lambda w: w.meeting["other"].pk,
        data=lambda w: {"contact": w.contact["own"].pk},
        note="only next month's meetings the leader owns or co-owns are choices",
    ),
    IdInput(
        "invitations.views.meeting_invitations:guest", "invitations:meeting", "guest", QUERY,
        IGNORED, other=lambda w: w.booking["other"].pk,
        secret=lambda w: w.contact["other"].email,
        note="the preview shows one of this meeting's guests",
    ),
    # meetings
    *[
        IdInput(
            f"meetings.forms.MeetingForm.{field}", "meetings:create", field, POST, REFUSED,
            other=lambda w: w.users[EXECUTIVE].pk, role=ADMINISTRATOR if field == "owner" else LEADER,
            data=_meeting_form, own=own,
            note="only staff of the right role",
        )
        for field, own in (
            ("owner", lambda w: w.users[LEADER].pk),
            ("co_owners", lambda w: w.users["leader2"].pk),
            ("facilitators", lambda w: w.users[FACILITATOR].pk),
        )
    ],
    IdInput(
        "meetings.forms.MeetingForm.internal_attendees", "meetings:create", "internal_attendees",
        POST, ALLOWED, other=lambda w: w.users[EXECUTIVE].pk,
        note="any active staff member may attend",
    ),
    IdInput(
        "meetings.forms.MeetingForm.region", "meetings:create", "region", POST, ALLOWED,
        other=lambda w: w.region["other"].pk,
        note="a leader may host a meeting in any region (meetings/rules.py)",
    ),
    IdInput(
        "meetings.forms.MeetingForm.template", "meetings:create", "template", POST, ALLOWED,
        other=_agenda_template,
        note="agenda templates are one list for everyone",
    ),
    IdInput(
        "meetings.views.agenda_item_delete:item", "meetings:agenda_delete", "item", POST,
        REFUSED, other=lambda w: w.agenda_item["other"].pk,
    ),
    IdInput(
        "meetings.views.agenda_reorder:order", "meetings:agenda_reorder", "order", POST,
        REFUSED, other=lambda w: w.agenda_item["other"].pk,
        data=lambda w: {"version": w.meeting["own"].agenda_version},
    ),
    IdInput(
        "meetings.views.guests:contacts", "meetings:guests", "contacts", POST, REFUSED,
        other=lambda w: w.contact["other"].pk,
        data=lambda w: {"confirm": "1"}, own=lambda w: _fresh_contact(w),
        note="contacts of the meeting's region or a region the leader leads",
    ),
    IdInput(
        "meetings.views.guests_preview:contacts", "meetings:guests_preview", "contacts", POST,
        IGNORED, other=lambda w: w.contact["other"].pk,
        secret=lambda w: w.contact["other"].organisation.name,
    ),
    IdInput(
        "meetings.views.guest_remove:booking", "meetings:guest_remove", "booking", POST,
        REFUSED, other=lambda w: w.booking["other"].pk,
    ),
    IdInput(
        "meetings.views.book_contact:contact", "meetings:book_contact", "contact", QUERY,
        REFUSED, other=lambda w: w.contact["other"].pk,
        secret=lambda w: w.contact["other"].name,
        note="a contact of a region the leader neither leads nor hosts a meeting in",
    ),
    IdInput(
        "meetings.views.book_contact:meeting", "meetings:book_contact", "meeting", POST,
        REFUSED, other=lambda w: w.meeting["other"].pk,
        data=lambda w: {"contact": w.contact["own"].pk},
    ),
    IdInput(
        "meetings.views.prep_toggle:item", "meetings:prep_toggle", "item", POST, REFUSED,
        other=_other_prep_item, role=FACILITATOR, data=lambda w: {"done": "1"},
    ),
    IdInput(
        "meetings.views.questions:question", "meetings:questions", "question", POST, ALLOWED,
        other=_question, role=FACILITATOR, data=lambda w: {"action": "add"},
        note="the question bank is one list for everyone",
    ),
    IdInput(
        "meetings.views.questions:chosen", "meetings:questions", "chosen", POST, REFUSED,
        other=_other_chosen_question, role=FACILITATOR, data=lambda w: {"action": "remove"},
    ),
    # outbox
    IdInput(
        "outbox.views.mail_list:meeting", "outbox:list", "meeting", QUERY, REFUSED,
        other=lambda w: w.meeting["other"].pk,
        note="a leader reads the mail of meetings they own, co-own or lead the region of",
    ),
]  # fmt: skip


def id_inputs_in_code() -> set[str]:
    """Every id input the code reads: model choice fields of the project's forms
    ("app.forms.Form.field") and ``param_id``/``param_ids`` calls in views modules
    ("app.views.function:parameter", from `views.py` or the modules of a `views/` package)."""
    import ast
    import importlib
    import inspect
    from pathlib import Path

    from django import forms

    from tests.services import project_app_configs

    found: set[str] = set()
    for config in project_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            module = None
        for _, cls in inspect.getmembers(module or object, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                for name, field in cls.base_fields.items():
                    if isinstance(field, forms.ModelChoiceField):
                        found.add(f"{module.__name__}.{cls.__qualname__}.{name}")
        # A views module, or a views package split by sub-domain (its modules are read as
        # one: the inputs keep their "app.views.function" names).
        app = Path(config.path)
        trees = [
            ast.parse(path.read_text())
            for path in [app / "views.py", *sorted((app / "views").glob("*.py"))]
            if path.exists()
        ]
        for function in (f for tree in trees for f in ast.walk(tree)):
            if not isinstance(function, ast.FunctionDef):
                continue
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in ("param_id", "param_ids")
                    and len(node.args) >= 2
                    and isinstance(node.args[1], ast.Constant)
                ):
                    found.add(f"{config.name}.views.{function.name}:{node.args[1].value}")
    return found
