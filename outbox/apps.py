from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = _("Outbox")

    def ready(self):
        # Erasing a contact withdraws and scrubs their mail; the send tasks are
        # registered, as the hand-over publishes them by name.
        from . import (
            receivers,  # noqa: F401
            tasks,  # noqa: F401
        )

        # Embedded mode (no broker) under runserver: a thread runs the beat schedule.
        from .embedded import start_if_embedded

        start_if_embedded()
