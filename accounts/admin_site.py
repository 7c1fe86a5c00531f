"""The Django admin ("Administration") is for the Administrator role, and only for it.

Role membership is the single source of truth: the site lets in active users with the
Administrator role (superusers count as administrators, see `User.role_names`), and
nobody else, whatever their `is_staff` flag says. `is_staff` itself follows the role
(accounts.signals), so Django's own notion of staff never disagrees with the role.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .rules import is_administrator


class AdministratorLoginForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        # Not AdminAuthenticationForm's is_staff check: the role decides.
        if not user.is_active or not is_administrator(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class OpenChairAdminSite(admin.AdminSite):
    site_header = _("Open Chair administration")
    site_title = _("Open Chair administration")
    index_title = _("Users, roles, lists and templates")
    login_form = AdministratorLoginForm

    def has_permission(self, request):
        return request.user.is_active and is_administrator(request.user)


class AdministratorsManage:
    """ModelAdmin mixin: users with the Administrator role view, add, change and delete.

    The admin would otherwise ask `user.has_perm("<app>.change_<model>")`, which the
    apps' object rules answer for their own pages (a leader may change *their* region's
    organisations); here the role alone decides, like the site itself.
    """

    def has_module_permission(self, request):
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_add_permission(self, request, *args):
        return is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_administrator(request.user)


class AdministratorsRead(AdministratorsManage):
    """ModelAdmin mixin: administrators read, nobody writes here (logs, mail records)."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
