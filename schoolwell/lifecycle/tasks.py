from celery import shared_task

from schoolwell.lifecycle import services


@shared_task(name="schoolwell.lifecycle.tasks.retention_apply_task")
def retention_apply_task() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE, nightly): apply every school's retention schedule."""
    return sum(log.rows for log in services.retention_apply())
