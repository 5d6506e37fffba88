from django.urls import path

from schoolwell.roster import import_views, views

app_name = "roster"
urlpatterns = [
    path("students/", views.student_list, name="student_list"),
    path("students/<int:pk>/", views.student_detail, name="student_detail"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("import/", import_views.roster_import, name="import"),
    path(
        "import/template/",
        import_views.roster_import_template_download,
        name="import_template",
    ),
]
