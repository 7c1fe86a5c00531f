from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = "Customers"

    def ready(self):
        # Receivers connect once the app registry is ready (Django's rule, not a cycle).
        from . import receivers  # noqa: F401
