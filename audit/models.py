from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who did which administrative action, and when.

    Deliberately small: an actor, an action, a text naming the target, and details.
    It holds no link to feedback items, so it can never tell who said what.
    """

    class Action(models.TextChoices):
        ROLE_GRANTED = "role_granted", _("Role granted")
        ROLE_REVOKED = "role_revoked", _("Role revoked")
        EXPORT = "export", _("Export")
        ERASURE = "erasure", _("Personal data erased")
        RETENTION = "retention", _("Inactive contacts anonymised")
        CHARTER_PUBLISHED = "charter_published", _("Charter published")
        IMPORT = "import", _("Import")
        OTHER = "other", _("Other administrative action")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as text too, so the entry still says who it was after the account is deleted.
    actor_repr = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=40, choices=Action.choices, db_index=True)
    target_repr = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_repr or _('system')}: "
            f"{self.get_action_display()} {self.target_repr}"
        )
