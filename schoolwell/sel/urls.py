from django.urls import path

from schoolwell.sel import views

app_name = "sel"
urlpatterns = [
    path("lessons/", views.library, name="library"),
    path("lessons/new/", views.lesson_new, name="lesson_new"),
    path("lessons/<int:pk>/", views.lesson_detail, name="lesson_detail"),
    path("lessons/<int:pk>/edit/", views.lesson_edit, name="lesson_edit"),
    path("lessons/<int:pk>/copy/", views.lesson_copy, name="lesson_copy"),
    path("lessons/<int:pk>/schedule/", views.lesson_schedule, name="lesson_schedule"),
    path("week/", views.week, name="week"),
    path("schedules/<int:pk>/log/", views.delivery, name="delivery"),
    path("coverage/", views.coverage, name="coverage"),
]
