"""Load the demo: one user per role and a living product around them.

Idempotent: running it again changes nothing that is already there. Each app
contributes its part through a `demo` module with a `seed(*, stdout)` function,
run in INSTALLED_APPS order (customers before meetings before feedback …).
"""

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Create demo users (one per role) and demo data. Safe to run repeatedly."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (never on a real deployment: the passwords are public).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with publicly known passwords and refuses to run "
                "with DEBUG off. Use --force only on a throwaway demo server."
            )
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if importlib.util.find_spec(module_name) is None:
                continue
            module = importlib.import_module(module_name)
            with transaction.atomic():
                module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Demo logins:"))
        for username, _first, _last, role in DEMO_USERS:
            self.stdout.write(f"  {role:<14} {username:<13} password: {DEMO_PASSWORD}")
