from functools import update_wrapper

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from config.forms import AdminSignInForm
from teams.roles import is_admin


class MaturityAdminSite(admin.AdminSite):
    site_header = "Team maturity workshops: admin"
    site_title = "Team maturity admin"
    index_title = "Rubric, teams, people and moderation"
    login_form = AdminSignInForm

    def has_permission(self, request) -> bool:
        return request.user.is_active and (request.user.is_staff or is_admin(request.user))

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            # A signed-in person without admin rights gets our 403 page, not a
            # second sign-in form that suggests they used the wrong account.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied
        return super().login(request, extra_context)
