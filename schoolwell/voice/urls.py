from django.urls import path

from schoolwell.voice import student_views, views

app_name = "voice"

urlpatterns = [
    path("", views.index, name="index"),
    path("class/<int:class_pk>/", views.class_today, name="class_today"),
    path("class/<int:class_pk>/kiosk/", views.kiosk_start, name="kiosk_start"),
    path("class/<int:class_pk>/cards/", views.class_cards, name="class_cards"),
    path("kiosk/<int:kiosk_pk>/end/", views.kiosk_end, name="kiosk_end"),
    path("student/<int:student_pk>/link/", views.link_create, name="link_create"),
    path("student/<int:student_pk>/link/revoke/", views.link_revoke, name="link_revoke"),
    path("talk/<int:pk>/", views.talk, name="talk"),
    path("settings/<int:school_pk>/", views.school_settings, name="settings"),
    # The student's side: no sign-in.
    path("k/", student_views.kiosk_home, name="kiosk_home"),
    path("k/<int:student_pk>/", student_views.kiosk_checkin, name="kiosk_checkin"),
    path("c/<str:token>/", student_views.link_open, name="link_open"),
    path("skill/<slug:slug>/", student_views.skill, name="skill"),
]
