"""The administrator's home: who is waiting for a role."""

from django.urls import reverse
from django.utils.translation import ngettext

from .models import Role, User


def home_sections(*, role: str, user) -> list[dict]:
    if role != Role.ADMINISTRATOR.value:
        return []
    waiting = User.objects.filter(is_active=True, is_superuser=False, groups__isnull=True).count()
    if not waiting:
        return []
    label = ngettext(
        "person without a role: give them one",
        "people without a role: give them one",
        waiting,
    )
    href = reverse("admin:accounts_user_changelist") + "?groups__isnull=True"
    return [
        {"template": "", "now": [{"value": waiting, "label": label, "href": href, "order": 10}]}
    ]
