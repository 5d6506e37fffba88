from django.urls import path

from schoolwell.community import views

app_name = "community"

urlpatterns = [
    path("providers/", views.directory, name="directory"),
    path("providers/<int:pk>/edit/", views.provider_edit, name="provider_edit"),
    path("agreements/", views.agreements, name="agreements"),
    path("refer-out/<int:referral_pk>/", views.refer_out, name="refer_out"),
    path("loops/<int:pk>/link/", views.link_issue, name="link_issue"),
    path("p/<str:token>/", views.provider_link, name="provider_link"),
    path("training/", views.training, name="training"),
    path("incidents/", views.incidents, name="incidents"),
    path("incidents/new/", views.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", views.incident, name="incident"),
    path("incidents/<int:pk>/contact/", views.incident_contact, name="incident_contact"),
    path("incidents/<int:pk>/link/", views.incident_link, name="incident_link"),
    path("incidents/<int:pk>/close/", views.incident_close, name="incident_close"),
    path("family/<int:student_pk>/", views.family_providers, name="family_providers"),
]
