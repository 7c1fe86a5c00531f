"""Role changes are audited wherever they happen: the admin, the shell, a service.

A role is a group (accounts.Role), so a change of `User.groups` is a role change.
This is a cross-cutting concern with no single service to call, hence a signal.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from .models import AuditEntry
from .services import audit_record

User = get_user_model()


def _names(model, pk_set) -> list[str]:
    if model is Group:
        return sorted(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
    return sorted(str(user) for user in User.objects.filter(pk__in=pk_set))


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="audit_role_changes")
def audit_role_changes(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action == "pre_clear":
        # The pks are gone after the clear: remember them now.
        if reverse:
            instance._audit_cleared = list(instance.user_set.values_list("pk", flat=True))
        else:
            instance._audit_cleared = list(instance.groups.values_list("pk", flat=True))
        return
    if action == "post_clear":
        pk_set = set(getattr(instance, "_audit_cleared", []))
        action = "post_remove"
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    kind = (
        AuditEntry.Action.ROLE_GRANTED if action == "post_add" else AuditEntry.Action.ROLE_REVOKED
    )
    if reverse:  # group.user_set.add(users...)
        for user_name in _names(User, pk_set):
            audit_record(action=kind, target_repr=user_name, details={"role": instance.name})
    else:  # user.groups.add(groups...)
        for role in _names(Group, pk_set):
            audit_record(action=kind, target_repr=str(instance), details={"role": role})


@receiver(pre_save, sender=User, dispatch_uid="audit_superuser_before")
def remember_superuser_flag(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields is not None and "is_superuser" not in update_fields):
        return
    instance._audit_was_superuser = (
        User.objects.filter(pk=instance.pk, is_superuser=True).exists()
        if instance.pk is not None
        else False
    )


@receiver(post_save, sender=User, dispatch_uid="audit_superuser_after")
def audit_superuser_flag(sender, instance, raw=False, **kwargs):
    """A superuser counts as an administrator (User.role_names): granting it is a role change."""
    was = getattr(instance, "_audit_was_superuser", None)
    if raw or was is None or was == instance.is_superuser:
        return
    del instance._audit_was_superuser
    audit_record(
        action=(
            AuditEntry.Action.ROLE_GRANTED
            if instance.is_superuser
            else AuditEntry.Action.ROLE_REVOKED
        ),
        target_repr=str(instance),
        details={"role": "superuser"},
    )
