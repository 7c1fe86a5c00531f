"""What each role's home page shows.

Each app may contribute sections through a `home` module with a function
`home_sections(*, role: str, user) -> list[dict]`; each dict names a `template`
to include and may carry any extra context. Sections appear in INSTALLED_APPS order.
"""

import importlib
import importlib.util
from functools import cache

from django.apps import apps

from .models import Role


@cache
def _section_providers():
    providers = []
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.home"
        if importlib.util.find_spec(module_name) is not None:
            providers.append(importlib.import_module(module_name).home_sections)
    return providers


def context_for(role: Role, user) -> dict:
    sections = []
    for provider in _section_providers():
        sections.extend(provider(role=role.value, user=user))
    return {"role": role.value, "home_sections": sections}
