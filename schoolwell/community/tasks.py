from celery import shared_task
from django.utils import timezone

from schoolwell.community.reminders import loops_remind


@shared_task
def loops_remind_task() -> int:
    return loops_remind(now=timezone.now())
