from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "schoolwell.consent"
    label = "consent"
