"""Celery tasks of the alert outbox (the sweep and the digest run from CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from schoolwell.alerts import sending


@shared_task(acks_late=True, ignore_result=True)
def delivery_send_task(delivery_id: int) -> str:
    """Send one outbox row; a failure schedules its own retry with backoff."""
    return sending.delivery_send(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def deliveries_sweep_task() -> dict[str, int]:
    return sending.deliveries_sweep()


@shared_task(ignore_result=True)
def digests_send_task() -> int:
    return sending.digests_send()
