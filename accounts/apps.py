from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import pre_migrate
from django.utils.translation import gettext_lazy as _


def _migrations_outlast_the_page_timeout(*, using, **_kwargs):
    """The PostgreSQL statement timeout (DB_STATEMENT_TIMEOUT) is for pages; a migration
    that builds an index over a large table may take minutes."""

    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        # Receivers connect once the app registry is ready (Django's rule, not a cycle).
        from . import signals  # noqa: F401 - is_staff follows the Administrator role

        pre_migrate.connect(
            _migrations_outlast_the_page_timeout, dispatch_uid="accounts.migrations_timeout"
        )
