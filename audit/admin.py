from django.contrib import admin

from accounts.admin_site import AdministratorsRead

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(AdministratorsRead, admin.ModelAdmin):
    """Read-only: an audit log that administrators could edit would prove nothing."""

    list_display = ("created_at", "actor_repr", "action", "target_repr")
    list_filter = ("action",)
    search_fields = ("actor_repr", "target_repr")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "actor", "actor_repr", "action", "target_repr", "details")
