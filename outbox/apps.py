from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Outbox"

    def ready(self):
        # Erasing a contact withdraws and scrubs their mail.
        from . import receivers  # noqa: F401
