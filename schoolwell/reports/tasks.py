from celery import shared_task

from schoolwell.reports import services


@shared_task(name="schoolwell.reports.tasks.export_run_task")
def export_run_task(export_id: int) -> str:
    return services.export_run(export_id=export_id).status


@shared_task(name="schoolwell.reports.tasks.export_expire_task")
def export_expire_task() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): remove export files past their expiry."""
    return services.export_expire()


@shared_task(name="schoolwell.reports.tasks.export_fail_stale_task")
def export_fail_stale_task() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): fail exports left running past the limit."""
    return services.export_fail_stale()
