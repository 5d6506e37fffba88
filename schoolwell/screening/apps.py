from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "schoolwell.screening"
    label = "screening"
