from django.urls import path

from schoolwell.reports.views import dashboards, exports

app_name = "reports"
urlpatterns = [
    path("", dashboards.reports_home, name="home"),
    path("school/<int:school_id>/", dashboards.school_dashboard, name="school"),
    path("district/", dashboards.district_dashboard, name="district"),
    path("teacher/", dashboards.teacher_dashboard, name="teacher"),
    path("exports/", exports.export_list, name="export_list"),
    path("exports/status/", exports.export_status, name="export_status"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
]
