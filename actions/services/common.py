"""Who may own an action."""

from accounts.models import Role

OWNER_ROLES = (Role.LEADER, Role.FACILITATOR, Role.ADMINISTRATOR)
