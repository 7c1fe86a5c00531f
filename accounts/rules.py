"""Role predicates: the building blocks of every permission in Open Chair.

Each app's `rules.py` combines these with object predicates and registers its
permissions with django-rules; views check them with `user.has_perm(...)`
(or `permission_required`), templates with `{% has_perm %}` / `perms`.
"""

import rules

from .models import Role


@rules.predicate
def is_administrator(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_role(Role.ADMINISTRATOR)


@rules.predicate
def is_leader(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_role(Role.LEADER)


@rules.predicate
def is_facilitator(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_role(Role.FACILITATOR)


@rules.predicate
def is_executive(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_role(Role.EXECUTIVE)


has_any_role = is_administrator | is_leader | is_facilitator | is_executive

rules.add_perm("accounts.view_leader_home", is_leader)
rules.add_perm("accounts.view_facilitator_home", is_facilitator)
rules.add_perm("accounts.view_executive_home", is_executive)
rules.add_perm("accounts.view_administrator_home", is_administrator)
