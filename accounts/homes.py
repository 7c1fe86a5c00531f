"""What each role's home page shows.

Each app may contribute sections through a `home` module with a function
`home_sections(*, role: str, user) -> list[dict]`; each dict names a `template`
to include and may carry any extra context. Sections appear in INSTALLED_APPS order.

A home answers "what needs me now" first: a section may carry `now`, a list of
{"label", "href", "value"?, "urgent"?, "order"} entries gathered into one card at the
top (most pressing first), and `anchor`/`title` for the page's in-page navigation.
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


TOC_FROM = 3  # sections: from this many on, the page gets an in-page navigation


def context_for(role: Role, user) -> dict:
    sections = []
    for provider in _section_providers():
        sections.extend(provider(role=role.value, user=user))
    now = sorted(
        (entry for section in sections for entry in section.get("now", ())),
        key=lambda entry: entry.get("order", 50),
    )
    toc = [(s["anchor"], s["title"]) for s in sections if s.get("anchor") and s.get("title")]
    return {
        "role": role.value,
        "home_sections": sections,
        "now": now,
        "toc": toc if len(toc) >= TOC_FROM else [],
    }
