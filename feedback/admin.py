from django.contrib import admin
from django.core.cache import cache

from accounts.admin_site import AdministratorsManage

from .models import JourneyStage, Tag
from .selectors import STAGES_CACHE_KEY, TAGS_CACHE_KEY


@admin.register(JourneyStage)
class JourneyStageAdmin(AdministratorsManage, admin.ModelAdmin):
    """The moments of truth facilitators pick from while capturing."""

    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        cache.delete(STAGES_CACHE_KEY)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        cache.delete(STAGES_CACHE_KEY)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        cache.delete(STAGES_CACHE_KEY)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        cache.delete(STAGES_CACHE_KEY)


@admin.register(Tag)
class TagAdmin(AdministratorsManage, admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        cache.delete(TAGS_CACHE_KEY)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        cache.delete(TAGS_CACHE_KEY)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        cache.delete(TAGS_CACHE_KEY)
