from django.apps import AppConfig


class SelConfig(AppConfig):
    name = "schoolwell.sel"
    label = "sel"
