"""The main navigation, by role.

Each entry names a URL and the permission that shows it; an app adds its entries
here when it adds the page. Entries are shown only to users holding the permission.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    permission: str


NAVIGATION: list[NavEntry] = [
    NavEntry("Customers", "customers:list", "customers.view_organisation"),
    NavEntry("Invite next", "customers:invite_next", "customers.view_organisation"),
    NavEntry("Meetings", "meetings:list", "meetings.view_meeting_list"),
    NavEntry("Monthly rhythm", "meetings:rhythm", "meetings.view_meeting_list"),
    NavEntry("Actions", "actions:list", "actions.view_action_list"),
    NavEntry("Charter", "actions:charter_list", "actions.view_charter"),
    NavEntry("Dashboard", "dashboard:index", "dashboard.view_dashboard"),
    NavEntry("Outbox", "outbox:list", "outbox.view_outbox"),
    NavEntry("Audit log", "audit:list", "audit.view_auditentry"),
    NavEntry("Administration", "admin:index", "accounts.view_administrator_home"),
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
