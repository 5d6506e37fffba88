from django.db.models import QuerySet

from schoolwell.audit.models import AccessLog


def disclosure_record(student) -> QuerySet[AccessLog]:
    """A student's disclosure record, newest first (for administrators and guardians)."""
    return AccessLog.objects.filter(student=student).select_related("user").order_by("-at", "-pk")
