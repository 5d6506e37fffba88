from django.urls import path

from schoolwell.consent.views import manage, portal, staff

app_name = "consent"
urlpatterns = [
    # The parent portal.
    path("", portal.portal, name="portal"),
    path("children/<int:student_id>/", portal.child, name="child"),
    path("children/<int:student_id>/forms/<int:form_id>/", portal.form_detail, name="form"),
    path("children/<int:student_id>/forms/<int:form_id>/decide/", portal.decide, name="decide"),
    path("children/<int:student_id>/forms/<int:form_id>/withdraw/", portal.revoke, name="revoke"),
    # School staff.
    path("students/<int:student_id>/record/", staff.record, name="record"),
    path("coverage/", staff.coverage, name="coverage"),
    path("coverage/awaiting/", staff.awaiting, name="awaiting"),
    path("coverage/reminders/", staff.reminders, name="reminders"),
    # School administrators: forms and settings.
    path("forms/", manage.form_list, name="form_list"),
    path("forms/defaults/", manage.form_defaults, name="form_defaults"),
    path("forms/new/", manage.form_new, name="form_new"),
    path("forms/<int:pk>/", manage.form_edit, name="form_edit"),
    path("forms/<int:pk>/publish/", manage.form_publish, name="form_publish"),
    path("forms/<int:pk>/withdraw/", manage.form_withdraw, name="form_withdraw"),
    path("settings/", manage.settings_update, name="settings"),
]
