from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin_site import AdministratorsManage

from .models import Contact, Facet, Organisation, Region
from .services import contact_erase


@admin.register(Facet)
class FacetAdmin(AdministratorsManage, admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name"]


@admin.register(Region)
class RegionAdmin(AdministratorsManage, admin.ModelAdmin):
    list_display = ["name", "time_zone", "country_list"]
    search_fields = ["name"]
    filter_horizontal = ["leaders"]

    @admin.display(description=_("Countries"))
    def country_list(self, obj):
        return ", ".join(country.name for country in obj.countries)


class ContactInline(AdministratorsManage, admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "email", "job_title", "phone", "language", "time_zone", "opted_out_at"]
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(AdministratorsManage, admin.ModelAdmin):
    list_display = ["name", "tier", "region", "country", "account_owner"]
    list_filter = ["tier", "region", "facets"]
    search_fields = ["name"]
    filter_horizontal = ["facets"]
    list_select_related = ["region", "account_owner"]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(AdministratorsManage, admin.ModelAdmin):
    list_display = ["name", "organisation", "email", "job_title", "erased_at"]
    list_filter = ["organisation__region", "language"]
    search_fields = ["name", "email", "organisation__name"]
    list_select_related = ["organisation"]
    readonly_fields = ["erased_at", "created_at", "updated_at"]
    actions = ["erase_selected"]

    @admin.action(description=_("Erase the selected contacts (name, email, phone)"))
    def erase_selected(self, request, queryset):

        for contact in queryset:
            contact_erase(contact=contact)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)s contact erased.", "%(count)s contacts erased.", count)
            % {"count": count},
        )
