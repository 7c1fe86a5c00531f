"""`is_staff` follows the Administrator role wherever roles change: the admin, the shell,
a data import. A role is a group (accounts.Role), so there is no single service to call,
hence signals (the audit app records the same changes the same way)."""

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, pre_save
from django.dispatch import receiver

from .models import Role, User
from .services import user_is_staff_by_role, user_staff_flags_sync


@receiver(pre_save, sender=User, dispatch_uid="staff_follows_role_on_save")
def staff_follows_role_on_save(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw:  # loaddata: the fixture's groups come after the user
        return
    if update_fields is not None and not {"is_staff", "is_superuser"} & set(update_fields):
        return  # e.g. last_login on every sign-in
    instance.is_staff = user_is_staff_by_role(instance)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="staff_follows_role_on_change")
def staff_follows_role_on_change(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:  # user.groups.add/remove/set/clear
        user_staff_flags_sync(users=User.objects.filter(pk=instance.pk))
        instance.is_staff = user_is_staff_by_role(instance)
    elif isinstance(instance, Group) and instance.name == Role.ADMINISTRATOR.value:
        # group.user_set.…: the members removed by a clear are no longer known; the
        # table of users is small, so every flag is put right.
        user_staff_flags_sync()
