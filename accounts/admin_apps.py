from django.contrib.admin.apps import AdminConfig


class OpenChairAdminConfig(AdminConfig):
    """django.contrib.admin with Open Chair's site: the Administrator role only.

    Its own module, so that INSTALLED_APPS can name it before any model is loaded.
    """

    default_site = "accounts.admin_site.OpenChairAdminSite"
