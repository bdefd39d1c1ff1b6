from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import views
from config.forms import SignInForm
from identity import views as identity_views
from identity.forms import PasswordResetForm
from progress import views as team_views

urlpatterns = [
    path("", team_views.home, name="home"),
    path("about/", views.about, name="about"),
    path("healthz", views.healthz, name="healthz"),
    path("bench/baseline", views.bench_baseline, name="bench_baseline"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=SignInForm
        ),
        name="login",
    ),
    # Before Django's own: signing out also ends the provider's session.
    path("accounts/logout/", identity_views.sign_out, name="logout"),
    path("accounts/organisation/", include("identity.urls")),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("model/", include("maturity.urls")),
    path("teams/", include("progress.urls")),
    path("workshops/", include("workshops.urls")),
    path("experiments/", include("experiments.urls")),
    path("playbook/", include("playbook.urls")),
    path("", include("privacy.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
