from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "schoolwell.audit"
    label = "audit"
