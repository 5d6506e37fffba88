"""Celery tasks: the periodic overdue check (CELERY_BEAT_SCHEDULE). Alerts themselves are
outbox rows sent by schoolwell.alerts.tasks."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from schoolwell.alerts.models import Delivery
from schoolwell.referrals import alerts
from schoolwell.referrals.models import ReferralEvent


@shared_task(acks_late=True)
def referral_event_notify(event_id: int) -> int:
    """Kept for task messages queued before the outbox existed: write the event's outbox
    rows unless it already has some."""
    with transaction.atomic():
        event = ReferralEvent.objects.select_related("referral").get(pk=event_id)
        if Delivery.objects.filter(referral_event=event).exists():
            return 0
        return alerts.referral_alert_enqueue(event)


@shared_task
def referrals_check_overdue() -> dict[str, int]:
    return alerts.referrals_mark_overdue(now=timezone.now())
