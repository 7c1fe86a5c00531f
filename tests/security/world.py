"""The people and objects the permission matrix and the fuzz test act on.

"Our" leader owns meeting A in region A and leads that region; our facilitator
facilitates meeting A. Leader 2 and facilitator 2 have the same on the other side
(meeting B, region B): reaching those objects is an IDOR attempt.
"""

from django.apps import apps
from django.contrib.auth.models import Group

from accounts.models import Role
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
    o["meeting"] = {
        "own": f.MeetingFactory(
            region=region["own"], owner=users[LEADER], facilitators=[users[FACILITATOR]]
        ),
        "other": f.MeetingFactory(
            region=region["other"], owner=users["leader2"], facilitators=[users["facilitator2"]]
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
    from tests.security.matrix import build_actions_objects

    build_actions_objects(world)
    return world


def row_counts() -> tuple[int, ...]:
    """Rows in every table of the project's models, in one query (run per example)."""
    from django.db import connection

    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if not model._meta.proxy
            and model._meta.managed
            and model._meta.app_label not in ("sessions", "axes", "audit", "admin", "contenttypes")
        }
    )
    quote = connection.ops.quote_name
    count = "(SELECT COUNT(*) FROM {})"  # noqa: S608 - table names from the models, quoted
    columns = ", ".join(count.format(quote(table)) for table in tables)
    sql = f"SELECT {columns}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())
