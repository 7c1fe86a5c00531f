from django.contrib import admin

from accounts.admin_site import AdministratorsRead

from .models import OutboxMail


@admin.register(OutboxMail)
class OutboxMailAdmin(AdministratorsRead, admin.ModelAdmin):
    list_display = ["kind", "recipient", "meeting", "status", "attempts", "due_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient", "delivery_key", "subject"]
    readonly_fields = [f.name for f in OutboxMail._meta.fields]
