from django.urls import path

from schoolwell.safety import settings_views, views

app_name = "safety"
urlpatterns = [
    path("referrals/<int:pk>/assessment/", views.assessment, name="assessment"),
    path("referrals/<int:pk>/plan/", views.plan, name="plan"),
    path("referrals/<int:pk>/plan/print/", views.plan_print, name="plan_print"),
    path("referrals/<int:pk>/guardian/", views.guardian, name="guardian"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("settings/", settings_views.settings_list, name="settings"),
    path("settings/<int:school_pk>/", settings_views.settings_edit, name="settings_edit"),
]
