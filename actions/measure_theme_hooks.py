"""Themes tied to a charter's measures, from the apps that know themes.

Any installed app may have a `measure_themes` module with a function
`measure_themes(*, charter) -> {measure id: [trend]}`, each trend with `name`, `recent`,
`earlier`, `window` and `grows` (the dashboard's: figures that passed its suppression
rule). The charter page reads them here, so that actions never imports the apps above it.
"""

import importlib
import importlib.util
from functools import cache

from django.apps import apps


@cache
def _providers():
    providers = []
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.measure_themes"
        if importlib.util.find_spec(module_name) is not None:
            providers.append(importlib.import_module(module_name).measure_themes)
    return tuple(providers)


def themes_of_measures(*, charter) -> dict[int, list]:
    result: dict[int, list] = {}
    for provider in _providers():
        for measure_id, trends in (provider(charter=charter) or {}).items():
            result.setdefault(measure_id, []).extend(trends)
    return result
