from django.urls import path

from schoolwell.referrals.views import caseload, people, queue, rules, timeline

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
    path("schools/<int:school_pk>/on-call/", people.on_call, name="on_call"),
    path("rules/", rules.rules, name="rules"),
    path("rules/new/", rules.rule_new, name="rule_new"),
    path("rules/reviewed/", rules.rules_reviewed, name="rules_reviewed"),
    path("rules/defaults/", rules.rules_defaults, name="rules_defaults"),
    path("rules/<int:pk>/", rules.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/active/", rules.rule_set_active, name="rule_active"),
    path("rules/<int:pk>/history/", rules.rule_history, name="rule_history"),
]
