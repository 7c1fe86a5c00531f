"""Home page sections: the next meetings a leader owns or a facilitator facilitates."""

from django.utils.translation import gettext as _

from accounts.models import Role

from .selectors import upcoming_for_home


def home_sections(*, role: str, user) -> list[dict]:
    if role not in (Role.LEADER, Role.FACILITATOR):
        return []
    return [
        {
            "template": "meetings/_home_upcoming.html",
            "meetings": upcoming_for_home(user=user, role=role),
            "heading": _("Your next meetings")
            if role == Role.LEADER
            else _("Meetings you facilitate"),
            "can_add": role == Role.LEADER,
        }
    ]
