from django.urls import path

from schoolwell.audit import views

app_name = "audit"
urlpatterns = [
    path("students/<int:pk>/disclosures/", views.disclosure_record_view, name="disclosures"),
]
