"""Celery tasks: alert delivery and the periodic overdue check (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.utils import timezone

from schoolwell.referrals import alerts


@shared_task(acks_late=True)
def referral_event_notify(event_id: int) -> int:
    """Notify whoever a referral event concerns (on-call counsellors, administrators)."""
    return alerts.referral_event_notify(event_id=event_id)


@shared_task
def referrals_check_overdue() -> dict[str, int]:
    return alerts.referrals_mark_overdue(now=timezone.now())
