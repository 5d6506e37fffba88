from django.urls import path

from schoolwell.lifecycle import views

app_name = "lifecycle"
urlpatterns = [
    path("child/<int:student_id>/", views.held, name="held"),
    path("child/<int:student_id>/print/", views.held_print, name="held_print"),
    path("child/<int:student_id>/copy.xlsx", views.held_xlsx, name="held_xlsx"),
    path("child/<int:student_id>/correction/", views.correction, name="correction"),
    path("resources/", views.resources, name="resources"),
    path("resources/curate/", views.curate, name="curate"),
    path("resources/local/<int:pk>/remove/", views.local_remove, name="local_remove"),
    path("requests/", views.requests_list, name="requests"),
    path("requests/<int:pk>/", views.request_decide, name="request_decide"),
    path("records/", views.policy, name="policy"),
    path("records/holds/", views.hold_place, name="hold_place"),
    path("records/holds/<int:pk>/release/", views.hold_release, name="hold_release"),
    path("records/erasures/", views.erasure_new, name="erasure_new"),
    path("records/erasures/<int:pk>/", views.erasure_decide, name="erasure_decide"),
]
