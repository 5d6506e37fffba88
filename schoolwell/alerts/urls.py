from django.urls import path

from schoolwell.alerts import views

app_name = "alerts"
urlpatterns = [
    path("deliveries/", views.deliveries, name="deliveries"),
    path("settings/", views.notification_settings, name="settings"),
]
