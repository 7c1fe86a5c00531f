from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "invitations"
    verbose_name = "Invitations"

    def ready(self):
        # `mail` registers the renderers the outbox calls at send time; `receivers`
        # answers the meetings app's signals (a change saved, a meeting cancelled).
        from . import mail, receivers  # noqa: F401
