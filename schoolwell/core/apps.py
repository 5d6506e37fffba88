from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "schoolwell.core"
    label = "core"
