from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "schoolwell.reports"
    label = "reports"
