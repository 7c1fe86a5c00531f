"""The people and objects the permission matrix and the fuzz test act on.

"Our" leader owns meeting A in region A and leads that region; our facilitator
facilitates meeting A. Leader 2 and facilitator 2 have the same on the other side
(meeting B, region B): reaching those objects is an IDOR attempt.
"""

import datetime as dt
import re

from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Role
from actions.followup import guest_token
from actions.models import Charter, CharterItem, CharterVersion, FollowUp, Measure
from customers.models import CustomerImport
from dashboard.models import Theme
from feedback.selectors import guest_link_token
from invitations.tokens import guest_page_token, rsvp_token
from meetings.models import AgendaTemplate, Meeting, Question
from outbox.mail import opt_out_token
from outbox.models import OutboxMail
from tests import factories as f
from tests.security.matrix import (
    ADMINISTRATOR,
    ANON,
    EXECUTIVE,
    FACILITATOR,
    LEADER,
    World,
)

PASSWORD = "pass-word-123"  # noqa: S105 - the factories' test password


def _user(username, role):
    user = f.UserFactory(username=username)
    user.groups.add(Group.objects.get_or_create(name=Role(role).value)[0])
    return user


def build_world() -> World:
    users = {
        ANON: None,
        LEADER: _user("m-leader", Role.LEADER),
        FACILITATOR: _user("m-facilitator", Role.FACILITATOR),
        EXECUTIVE: _user("m-executive", Role.EXECUTIVE),
        ADMINISTRATOR: _user("m-administrator", Role.ADMINISTRATOR),
        "leader2": _user("m-leader2", Role.LEADER),
        "facilitator2": _user("m-facilitator2", Role.FACILITATOR),
    }
    world = World(users=users)
    o = world.objects
    region = {"own": f.RegionFactory(name="Region A"), "other": f.RegionFactory(name="Region B")}
    region["own"].leaders.add(users[LEADER])
    region["other"].leaders.add(users["leader2"])
    o["region"] = region
    o["organisation"] = {
        which: f.OrganisationFactory(name=f"Org {which}", region=region[which]) for which in region
    }
    o["contact"] = {
        which: f.ContactFactory(organisation=o["organisation"][which]) for which in region
    }
    # Both meetings are under way: guests were invited and the guest comment link works.
    now = timezone.now().replace(second=0, microsecond=0)
    running = {
        "starts_at": now - dt.timedelta(hours=1),
        "ends_at": now + dt.timedelta(hours=2),
        "status": Meeting.Status.INVITED,
    }
    o["meeting"] = {
        "own": f.MeetingFactory(
            region=region["own"],
            owner=users[LEADER],
            facilitators=[users[FACILITATOR]],
            **running,
        ),
        "other": f.MeetingFactory(
            region=region["other"],
            owner=users["leader2"],
            facilitators=[users["facilitator2"]],
            **running,
        ),
    }
    o["agenda_item"] = {which: f.AgendaItemFactory(meeting=o["meeting"][which]) for which in region}
    o["booking"] = {
        which: f.BookingFactory(meeting=o["meeting"][which], contact=o["contact"][which])
        for which in region
    }
    o["feedback_item"] = {
        which: f.FeedbackItemFactory(meeting=o["meeting"][which]) for which in region
    }
    o["action"] = {
        "own": f.ActionFactory(owner=users[LEADER]),
        "other": f.ActionFactory(owner=users["leader2"]),
    }
    # A leader's own agenda template and question: leader 2's are not our leader's to change.
    o["agenda_template"] = {
        which: AgendaTemplate.objects.create(name=f"Template {which}", owner=leader)
        for which, leader in (("own", users[LEADER]), ("other", users["leader2"]))
    }
    o["question"] = {
        which: Question.objects.create(text=f"Question {which}?", owner=leader)
        for which, leader in (("own", users[LEADER]), ("other", users["leader2"]))
    }
    # A pending import is its uploader's: leader 2's is an IDOR for our leader.
    o["customer_import"] = {
        which: CustomerImport.objects.create(
            uploaded_by=uploader, filename="customers.csv", content=b"name\n", sha256="0" * 64
        )
        for which, uploader in (("own", users[LEADER]), ("other", users["leader2"]))
    }
    o["mail"] = {
        which: OutboxMail.objects.create(
            kind=OutboxMail.Kind.INVITATION,
            recipient=o["contact"][which].email,
            subject="Invitation",
            text_body="Hello",
            delivery_key=f"matrix-{which}",
            meeting=o["meeting"][which],
            render_args={"booking": o["booking"][which].pk},
            status=OutboxMail.Status.SENT,
        )
        for which in region
    }
    # Each region's charter is written by its own leader (leader 2 for region B's).
    for key in ("charter", "charter_version", "charter_item", "measure"):
        o[key] = {}
    for which, author in (("own", users[LEADER]), ("other", users["leader2"])):
        charter = Charter.objects.create(name=f"{region[which]} charter", region=region[which])
        version = CharterVersion.objects.create(charter=charter, number=1, created_by=author)
        item = CharterItem.objects.create(version=version, text="One advocate until it is solved")
        o["charter"][which], o["charter_version"][which], o["charter_item"][which] = (
            charter,
            version,
            item,
        )
        o["measure"][which] = Measure.objects.create(
            charter=charter, lineage=item.lineage, name="Days to resolve", target=5
        )
    o["theme"] = Theme.objects.create(key="tag:matrix", name="Billing", origin=Theme.Origin.TAG)
    o["follow_up"] = {
        which: FollowUp.objects.create(
            meeting=o["meeting"][which],
            composed_by=o["meeting"][which].owner,
            published_at=now,
        )
        for which in region
    }
    # Signed links. "other": the IDOR attempt on a link — the other side's object in the
    # payload, with the signature of our own link (what editing an id in a link makes).
    tokens = {
        "follow_up_token": lambda which: guest_token(
            follow_up=o["follow_up"][which], booking=o["booking"][which]
        ),
        "rsvp_token": lambda which: rsvp_token(o["booking"][which]),
        "guest_page_token": lambda which: guest_page_token(o["booking"][which]),
        "opt_out_token": lambda which: opt_out_token(o["contact"][which].email),
        "guest_token": lambda which: guest_link_token(meeting=o["meeting"][which]),
    }
    for name, make in tokens.items():
        own, other = make("own"), make("other")
        o[name] = own
        o[f"{name}_forged"] = other.split(":", 1)[0] + ":" + own.split(":", 1)[1]
    return world


def _tables() -> list[str]:
    # Sessions, lockout records and the audit log are written by design on refused
    # requests (a failed login is counted, a refusal may be logged); everything else not.
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if not model._meta.proxy
            and model._meta.managed
            and model._meta.app_label not in ("sessions", "axes", "audit", "admin", "contenttypes")
        }
    )


WRITE = re.compile(r'\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY)\s+"?(\w+)"?', re.IGNORECASE)


def written_tables(sql: str) -> set[str]:
    """The tables a statement may write to (a superset is fine: they are compared)."""
    return {match.lower() for match in WRITE.findall(sql)}


def table_state(tables: list[str]) -> tuple:
    """Rows and content of these tables, in one query: on PostgreSQL a digest of each
    table's rows, elsewhere the rows themselves (the test world is small)."""
    from django.db import connection

    if not tables:
        return ()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            digest = (  # noqa: S608 - table names from the models, quoted
                "(SELECT md5(COALESCE(string_agg(t::text, ',' ORDER BY t::text), '')) FROM {} t)"
            )
            cursor.execute("SELECT " + ", ".join(digest.format(quote(t)) for t in tables))
            return tuple(cursor.fetchone())
        state = []
        for table in tables:
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - a model's table
            state.append(sorted(map(repr, cursor.fetchall())))
        return tuple(state)


def request_writes(send, refused) -> tuple:
    """Send a request and tell which project tables it changed, if it was refused.

    Runs inside the test's transaction: the statements the request executes are
    watched; only when it was refused and wrote to a project table are those tables
    compared, as the request left them and (rolled back to a savepoint taken before
    it) as they were. Returns (response, changed tables).
    """
    from django.db import connection, transaction

    touched: set[str] = set()

    def watch(execute, sql, params, many, context):
        touched.update(written_tables(sql))
        return execute(sql, params, many, context)

    savepoint = transaction.savepoint()
    with connection.execute_wrapper(watch):
        response = send()
    tables = sorted(touched & set(_tables()))
    if not tables or not refused(response):
        transaction.savepoint_commit(savepoint)
        return response, []
    after = table_state(tables)
    transaction.savepoint_rollback(savepoint)
    before = table_state(tables)
    return response, [t for t, old, new in zip(tables, before, after, strict=True) if old != new]


def db_state() -> tuple:
    """What every project table holds, for the few tests that compare the whole database
    (the matrix and the fuzz test compare only the tables a request wrote to)."""
    return table_state(_tables())
