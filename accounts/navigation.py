"""The main navigation, by role.

Each entry names a URL and the permission that shows it; an app adds its entries
here when it adds the page. Entries are shown only to users holding the permission.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    permission: str


NAVIGATION: list[NavEntry] = [
    NavEntry(_("Customers"), "customers:list", "customers.view_organisation"),
    NavEntry(_("Invite next"), "customers:invite_next", "customers.view_organisation"),
    NavEntry(_("Meetings"), "meetings:list", "meetings.view_meeting_list"),
    NavEntry(_("Monthly rhythm"), "meetings:rhythm", "meetings.view_meeting_list"),
    NavEntry(_("Actions"), "actions:list", "actions.view_action_list"),
    NavEntry(_("Charter"), "actions:charter_list", "actions.view_charter"),
    NavEntry(_("Dashboard"), "dashboard:index", "dashboard.view_dashboard"),
    NavEntry(_("Outbox"), "outbox:list", "outbox.view_outbox"),
    NavEntry(_("Audit log"), "audit:list", "audit.view_auditentry"),
    NavEntry(_("Administration"), "admin:index", "accounts.view_administrator_home"),
]


def navigation_for(user) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    for entry in NAVIGATION:
        if not user.has_perm(entry.permission):
            continue
        items.append({"label": entry.label, "url": reverse(entry.url_name)})
    return items
