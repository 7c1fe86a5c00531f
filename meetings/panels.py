"""Panels other apps contribute to the meeting page.

Any installed app may have a `meeting_panels` module with a function
`meeting_panels(*, meeting, user) -> list[dict]`; each dict names a `template` to
include and may carry any extra context (it is passed to the template as `panel`).
Panels appear in INSTALLED_APPS order. Providers should keep their query count
constant: the meeting page's is pinned by a test.
"""

import importlib
import importlib.util
from functools import cache

from django.apps import apps


@cache
def _providers():
    providers = []
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.meeting_panels"
        if importlib.util.find_spec(module_name) is not None:
            providers.append(importlib.import_module(module_name).meeting_panels)
    return tuple(providers)


def panels_for(*, meeting, user) -> list[dict]:
    panels = []
    for provider in _providers():
        panels.extend(provider(meeting=meeting, user=user) or [])
    return panels
