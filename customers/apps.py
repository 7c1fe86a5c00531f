from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        # Receivers connect once the app registry is ready (Django's rule, not a cycle).
        from . import receivers  # noqa: F401
