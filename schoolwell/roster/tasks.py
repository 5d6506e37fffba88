from celery import shared_task

from schoolwell.roster.importing import jobs


@shared_task(name="schoolwell.roster.tasks.roster_import_job_task")
def roster_import_job_task(job_id: int) -> str:
    return jobs.roster_import_job_run(job_id=job_id).state


@shared_task(name="schoolwell.roster.tasks.roster_import_jobs_fail_stale_task")
def roster_import_jobs_fail_stale_task() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): fail import jobs left running past the limit."""
    return jobs.roster_import_jobs_fail_stale()
