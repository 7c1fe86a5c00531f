"""Existing users: `is_staff` follows the Administrator role from now on
(accounts.services.user_staff_flags_sync does the same for later changes)."""

from django.db import migrations
from django.db.models import Case, Exists, OuterRef, Q, Value, When


def staff_from_role(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    membership = User.groups.through.objects.filter(
        user_id=OuterRef("pk"), group__name="Administrator"
    )
    User.objects.update(
        is_staff=Case(
            When(Q(is_superuser=True) | Q(Exists(membership)), then=Value(True)),
            default=Value(False),
        )
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles")]

    operations = [migrations.RunPython(staff_from_role, migrations.RunPython.noop)]
