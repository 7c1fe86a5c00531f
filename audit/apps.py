from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        # Receivers connect once the app registry is ready (Django's rule, not a cycle).
        from . import signals  # noqa: F401 - the role-change receivers
