from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When

from .models import Role, User


def _administrator_membership():
    return User.groups.through.objects.filter(
        user_id=OuterRef("pk"), group__name=Role.ADMINISTRATOR.value
    )


def user_staff_flags_sync(*, users: QuerySet | None = None) -> int:
    """Set `is_staff` from the role: true exactly for superusers and members of the
    Administrator group. Returns how many users were looked at.

    Role membership is the single source of truth for who administers Open Chair; this
    keeps Django's staff flag from ever telling another story (a flag set by hand is
    put back). The admin site checks the role itself, so a stale flag would open nothing.
    """
    users = User.objects.all() if users is None else users
    return users.update(
        is_staff=Case(
            When(Q(is_superuser=True) | Q(Exists(_administrator_membership())), then=Value(True)),
            default=Value(False),
        )
    )


def user_is_staff_by_role(user: User) -> bool:
    """What `is_staff` must be for this user, from their role (one query, none if new)."""
    if user.is_superuser:
        return True
    if user.pk is None:
        return False
    return User.groups.through.objects.filter(
        user_id=user.pk, group__name=Role.ADMINISTRATOR.value
    ).exists()


def user_set_language(*, user: User, language: str) -> None:
    """Save the language of the user's pages ("" for the browser's); refuses a language
    Open Chair does not speak."""
    user.language = language
    user.full_clean(validate_unique=False, exclude=["password"])
    user.save(update_fields=["language"])
