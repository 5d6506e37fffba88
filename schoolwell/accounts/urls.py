from django.urls import path

from schoolwell.accounts import views

app_name = "accounts"
urlpatterns = [
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/enrol/", views.two_factor_enrol, name="two_factor_enrol"),
    path(
        "two-factor/recovery-codes/",
        views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("two-factor/staff/", views.two_factor_staff, name="two_factor_staff"),
    path(
        "two-factor/staff/<int:user_pk>/reset/",
        views.two_factor_staff_reset,
        name="two_factor_staff_reset",
    ),
    path("session/", views.session_status, name="session_status"),
    path("session/keep-alive/", views.session_keep_alive, name="session_keep_alive"),
]
