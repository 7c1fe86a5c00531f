from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .admin_site import AdministratorsManage, AdministratorsRead
from .models import Role, User
from .rules import is_administrator


@admin.register(User)
class UserAdmin(AdministratorsManage, BaseUserAdmin):
    """Administrators give and take roles here (each change is in the audit log).

    `is_staff` is not edited: it follows the Administrator role. Only a superuser may
    make another; Open Chair's permissions come from roles, never from per-user or
    per-group Django permissions, so those are not shown.
    """

    list_display = ("username", "first_name", "last_name", "email", "roles", "is_active")
    list_filter = ("groups", "is_active", "is_superuser")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("Roles"),
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups"),
                "description": _(
                    "A user may hold several roles. Administrators (and "
                    "superusers) open this administration; “staff status” follows the "
                    "Administrator role by itself."
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("Roles"))
    def roles(self, obj):
        return ", ".join(sorted(group.name for group in obj.groups.all())) or "—"

    def get_readonly_fields(self, request, obj=None):
        readonly = ["is_staff", "last_login", "date_joined"]
        if not request.user.is_superuser:
            readonly.append("is_superuser")
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(name__in=Role.values).order_by("name")
            kwargs["label"] = _("Roles")
            kwargs["help_text"] = ""
            kwargs["widget"] = FilteredSelectMultiple("roles", is_stacked=False)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(AdministratorsRead, admin.ModelAdmin):
    """The four roles are fixed (a migration makes them); who holds one is set on the user."""

    list_display = ("name", "members")
    fields = ("name", "member_names")
    readonly_fields = ("name", "member_names")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("user"))

    @admin.display(description=_("Members"), ordering="member_count")
    def members(self, obj):
        return obj.member_count

    @admin.display(description=_("Members"))
    def member_names(self, obj):
        return ", ".join(str(user) for user in obj.user_set.all()) or "—"


class AdministratorsUnlock(AdministratorsRead):
    """Failed-login records: administrators read them and delete one to lift a lockout."""

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user)


def _hand_axes_to_administrators():
    """django-axes registers its own admin pages (which ask for Django permissions that
    no role has); give them the role checks of every other page here."""

    for model, base, mixin in (
        (AccessAttempt, AccessAttemptAdmin, AdministratorsUnlock),
        (AccessLog, AccessLogAdmin, AdministratorsRead),
        (AccessFailureLog, AccessFailureLogAdmin, AdministratorsRead),
    ):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, type(base.__name__, (mixin, base), {}))


_hand_axes_to_administrators()
