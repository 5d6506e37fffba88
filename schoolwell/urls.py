from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from schoolwell.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        core_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        core_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        core_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        core_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/", include("schoolwell.accounts.urls")),
    path("roster/", include("schoolwell.roster.urls")),
    path("audit/", include("schoolwell.audit.urls")),
    path("screening/", include("schoolwell.screening.urls")),
    path("referrals/", include("schoolwell.referrals.urls")),
    path("alerts/", include("schoolwell.alerts.urls")),
    path("safety/", include("schoolwell.safety.urls")),
    path("consent/", include("schoolwell.consent.urls")),
    path("sel/", include("schoolwell.sel.urls")),
    path("reports/", include("schoolwell.reports.urls")),
    path("support/", include("schoolwell.support.urls")),
    path("family/", include("schoolwell.lifecycle.urls")),
    path("voice/", include("schoolwell.voice.urls")),
    path("community/", include("schoolwell.community.urls")),
    path("", include("schoolwell.api.urls")),
    path("admin/", admin.site.urls),
]
