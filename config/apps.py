from django.contrib.admin.apps import AdminConfig


class MaturityAdminConfig(AdminConfig):
    default_site = "config.admin.MaturityAdminSite"
