from django.urls import path

from schoolwell.screening.views import checkins, crisis, grid, results, selfreport, windows

app_name = "screening"
urlpatterns = [
    path("", windows.index, name="index"),
    path("windows/new/", windows.window_new, name="window_new"),
    path("windows/<int:pk>/", windows.window_detail, name="window_detail"),
    path("windows/<int:pk>/edit/", windows.window_edit, name="window_edit"),
    path("windows/<int:pk>/end/", windows.window_end, name="window_end"),
    path("windows/<int:pk>/classes/<int:class_pk>/", windows.window_class, name="window_class"),
    path("windows/<int:pk>/classes/<int:class_pk>/grid/", grid.grid, name="grid"),
    path("windows/<int:pk>/classes/<int:class_pk>/grid/draft/", grid.grid_draft, name="grid_draft"),
    path(
        "windows/<int:pk>/classes/<int:class_pk>/kiosk/",
        selfreport.kiosk_start,
        name="kiosk_start",
    ),
    path(
        "windows/<int:pk>/students/<int:student_pk>/link/",
        selfreport.link_create,
        name="link_create",
    ),
    path("kiosks/<int:kiosk_pk>/end/", selfreport.kiosk_end, name="kiosk_end"),
    # Public (login_not_required): the kiosk device and single-use links.
    path("kiosk/", selfreport.kiosk_home, name="kiosk_home"),
    path("kiosk/<int:assignment_pk>/", selfreport.kiosk_questionnaire, name="kiosk_questionnaire"),
    path("s/<str:token>/", selfreport.link_open, name="link_open"),
    path("classes/<int:class_pk>/checkin/", checkins.checkin_class, name="checkin_class"),
    path("classes/<int:class_pk>/results/", results.class_results, name="class_results"),
    path("schools/<int:school_pk>/crisis/", crisis.crisis_plan, name="crisis_plan"),
    path("schools/<int:school_pk>/crisis/edit/", crisis.crisis_plan_edit, name="crisis_plan_edit"),
    path("schools/<int:school_pk>/tags/", results.concern_tags, name="concern_tags"),
]
