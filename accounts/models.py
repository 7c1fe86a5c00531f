from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The four roles; each is a Django group of the same name (created by a migration)."""

    ADMINISTRATOR = "Administrator", _("Administrator")
    LEADER = "Leader", _("Leader")
    FACILITATOR = "Facilitator", _("Facilitator")
    EXECUTIVE = "Executive", _("Executive")


class User(AbstractUser):
    """An internal user: leader, facilitator, executive or administrator.

    Customer guests never have an account; they act through signed links.
    """

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def role_names(self) -> frozenset[str]:
        """Names of the user's roles, read once per request-bound user object."""
        cached = getattr(self, "_role_names", None)
        if cached is None:
            if not self.is_authenticated or not self.is_active:
                cached = frozenset()
            else:
                cached = frozenset(self.groups.values_list("name", flat=True))
                if self.is_superuser:
                    cached |= {Role.ADMINISTRATOR.value}
            self._role_names = cached
        return cached

    def has_role(self, role: Role | str) -> bool:
        return str(role) in self.role_names

    @property
    def primary_role(self) -> str | None:
        """The role whose home page the user lands on after login."""
        for role in (Role.LEADER, Role.FACILITATOR, Role.EXECUTIVE, Role.ADMINISTRATOR):
            if role.value in self.role_names:
                return role.value
        return None
