from django.urls import path

from schoolwell.roster import views

app_name = "roster"
urlpatterns = [
    path("students/", views.student_list, name="student_list"),
    path("students/<int:pk>/", views.student_detail, name="student_detail"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
]
