from django.urls import path

from schoolwell.roster import import_views, staff_views, views

app_name = "roster"
urlpatterns = [
    path("students/", views.student_list, name="student_list"),
    path("students/<int:pk>/", views.student_detail, name="student_detail"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("schools/<int:pk>/staff/", staff_views.staff_list, name="school_staff"),
    path("schools/<int:pk>/staff/remove/", staff_views.staff_remove, name="school_staff_remove"),
    path("import/", import_views.roster_import, name="import"),
    path("import/jobs/<int:pk>/", import_views.roster_import_job, name="import_job"),
    path(
        "import/jobs/<int:pk>/status/",
        import_views.roster_import_job_status,
        name="import_job_status",
    ),
    path(
        "import/template/",
        import_views.roster_import_template_download,
        name="import_template",
    ),
]
