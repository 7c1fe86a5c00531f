from django.contrib import admin

from accounts.admin_site import AdministratorsManage

from .models import AgendaItem, AgendaTemplate, AgendaTemplateItem, Booking, Meeting, Question


class AgendaTemplateItemInline(AdministratorsManage, admin.TabularInline):
    model = AgendaTemplateItem
    extra = 1
    fields = ["position", "section", "title", "presenter", "minutes", "notes"]


@admin.register(AgendaTemplate)
class AgendaTemplateAdmin(AdministratorsManage, admin.ModelAdmin):
    list_display = ["name", "is_default"]
    inlines = [AgendaTemplateItemInline]


@admin.register(Question)
class QuestionAdmin(AdministratorsManage, admin.ModelAdmin):
    list_display = ["text", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["text"]


class AgendaItemInline(AdministratorsManage, admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "section", "title", "presenter", "minutes"]


class BookingInline(AdministratorsManage, admin.TabularInline):
    model = Booking
    extra = 0
    fields = ["contact", "rsvp", "attended"]
    raw_id_fields = ["contact"]


@admin.register(Meeting)
class MeetingAdmin(AdministratorsManage, admin.ModelAdmin):
    list_display = ["title", "starts_at", "region", "country", "status", "kind"]
    list_filter = ["status", "type", "kind", "region"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["owner"]
    filter_horizontal = ["co_owners", "facilitators", "internal_attendees"]
    inlines = [AgendaItemInline, BookingInline]
