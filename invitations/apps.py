from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "invitations"
    verbose_name = "Invitations"

    def ready(self):
        # Registers the mail renderers the outbox calls at send time.
        from . import mail  # noqa: F401
