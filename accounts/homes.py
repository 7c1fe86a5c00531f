"""What each role's home page shows.

Each app contributes a section through `HOME_SECTIONS` (a callable taking the user
and returning a context dict); a section that is not available yet is skipped.
"""

from collections.abc import Callable

from .models import Role

# role -> list of "module.function" paths that return extra context for that home page
HOME_SECTIONS: dict[str, list[str]] = {
    Role.LEADER.value: [],
    Role.FACILITATOR.value: [],
    Role.EXECUTIVE.value: [],
    Role.ADMINISTRATOR.value: [],
}


def _load(path: str) -> Callable:
    from django.utils.module_loading import import_string

    return import_string(path)


def context_for(role: Role, user) -> dict:
    context: dict = {"role": role.value}
    for path in HOME_SECTIONS[role.value]:
        context.update(_load(path)(user=user))
    return context
