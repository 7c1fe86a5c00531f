from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self):
        # Receivers connect once the app registry is ready (Django's rule, not a cycle).
        from . import signals  # noqa: F401 - the role-change receivers
