from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Outbox"

    def ready(self):
        # Erasing a contact withdraws and scrubs their mail.
        # Registers the send tasks, which the hand-over publishes by name.
        from . import (
            receivers,  # noqa: F401
            tasks,  # noqa: F401
        )
