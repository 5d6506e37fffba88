from django.urls import path

from schoolwell.referrals.views import caseload, people, queue, timeline

app_name = "referrals"
urlpatterns = [
    path("", queue.queue, name="queue"),
    path("caseload/", caseload.caseload, name="caseload"),
    path("<int:pk>/", queue.detail, name="detail"),
    path("<int:pk>/claim/", queue.claim, name="claim"),
    path("<int:pk>/status/", queue.set_status, name="status"),
    path("<int:pk>/refer-out/", queue.refer_out, name="refer_out"),
    path("<int:pk>/close/", queue.close, name="close"),
    path("<int:pk>/reassign/", queue.reassign, name="reassign"),
    path("<int:pk>/notes/", queue.add_note, name="note"),
    path("concern/<int:student_pk>/", people.raise_concern, name="concern"),
    path("students/<int:pk>/timeline/", timeline.student_timeline, name="timeline"),
    path("notifications/", people.notifications, name="notifications"),
    path("notifications/read/", people.notifications_read, name="notifications_read"),
    path("rules/", people.rules, name="rules"),
    path("rules/<int:pk>/", people.rule_edit, name="rule_edit"),
]
