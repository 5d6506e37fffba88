"""Large OneRoster imports run as a background job (Celery; eagerly in dev and tests).

`roster_import_job_request` keeps the upload in an ImportJob row and queues the task once
the row is committed; `roster_import_job_run` claims the job, runs the ordinary import
with a progress callback, and stores its counts or its problems. The command line
(`manage.py import_roster`) keeps importing synchronously.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import time
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from schoolwell.accounts.models import User
from schoolwell.roster.importing.errors import ImportRejected, ImportResult
from schoolwell.roster.importing.oneroster import roster_import_oneroster
from schoolwell.roster.importing.oneroster_rows import FILES
from schoolwell.roster.models import District, ImportJob

logger = logging.getLogger(__name__)

# Progress is written at most this often (seconds): pollers need no finer grain.
PROGRESS_EVERY = 1.0


def runs_in_background(*, size: int) -> bool:
    """Files from this size up are imported by a job (settings.ROSTER_IMPORT_BACKGROUND_BYTES)."""
    return size >= settings.ROSTER_IMPORT_BACKGROUND_BYTES


def roster_import_job_request(
    *, user: User, district: District, path: str | Path, dry_run: bool = False
) -> ImportJob:
    """Queue the OneRoster zip at `path` for import into `district` by `user`.

    The caller has checked that `user` may import into `district` (the form's choices);
    the job checks again, as the import always does, when it runs.
    """
    from schoolwell.roster.tasks import roster_import_job_task

    with transaction.atomic():
        job = ImportJob.objects.create(
            requested_by=user,
            district=district,
            dry_run=dry_run,
            upload=Path(path).read_bytes(),
        )
        transaction.on_commit(lambda: roster_import_job_task.delay(job.pk))
    return job


SAMPLE_BYTES = 64 << 10


def _rows_in(path: Path) -> int | None:
    """Rows of the zip's OneRoster files (headers excluded), for the progress bar: counted
    in files that fit in a 64 KB sample, estimated from the sample's bytes per row and the
    size the zip's directory declares for larger ones (reading a district's files whole
    just to count them cost as much as checking them)."""
    names = {spec.filename.lower() for spec in FILES.values()}
    total = 0
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.filename.rsplit("/", 1)[-1].lower() not in names:
                    continue
                if info.file_size > settings.ROSTER_IMPORT_MAX_MEMBER_BYTES:
                    return None  # the import refuses it at once; no need to count
                with archive.open(info) as member:
                    sample = member.read(SAMPLE_BYTES)
                lines = sample.count(b"\n")
                if sample and len(sample) < info.file_size:
                    lines = round(lines * info.file_size / len(sample))
                total += max(0, lines - 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, zipfile.LargeZipFile):
        return None
    return total


def roster_import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued job (a redelivered task finds it claimed and does nothing)."""
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
        state=ImportJob.State.RUNNING, stage=ImportJob.Stage.CHECKING, started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("requested_by", "district").get(pk=job_id)
    if not claimed:
        return job
    last = [0.0]

    def progress(stage: str, rows: int) -> None:
        now = time.monotonic()
        if stage == ImportJob.Stage.CHECKING and now - last[0] < PROGRESS_EVERY:
            return
        last[0] = now
        # Outside the import's transaction (the check pass runs before it opens), so a
        # poller sees each update at once.
        ImportJob.objects.filter(pk=job.pk).update(stage=stage, rows_done=rows)

    user = job.requested_by
    # Problems are written in the requester's language, as the page would have shown them.
    with (
        translation.override(user.preferred_language or settings.LANGUAGE_CODE),
        tempfile.TemporaryDirectory(prefix="roster-import-") as folder,
    ):
        path = Path(folder) / "oneroster.zip"
        path.write_bytes(bytes(job.upload))
        ImportJob.objects.filter(pk=job.pk).update(rows_total=_rows_in(path))
        try:
            result = roster_import_oneroster(
                path=path, district=job.district, by=user, dry_run=job.dry_run, progress=progress
            )
        except ImportRejected as rejected:
            return _finish(
                job,
                state=ImportJob.State.REJECTED,
                problems=[[e.file, e.row, e.column, e.message] for e in rejected.errors],
                problems_total=rejected.total,
            )
        except Exception:
            logger.exception("roster import job %s failed", job.pk)
            return _finish(job, state=ImportJob.State.FAILED, failure=ImportJob.Failure.FAILED)
    return _finish(job, state=ImportJob.State.DONE, counts=_counts(result))


def roster_import_jobs_fail_stale(*, now: dt.datetime | None = None) -> int:
    """Periodic: fail jobs still running past the limit — their worker died, and the
    import's transaction died with it, so nothing was saved."""
    now = now or timezone.now()
    limit = dt.timedelta(minutes=settings.ROSTER_IMPORT_JOB_MAX_MINUTES)
    return ImportJob.objects.filter(
        state=ImportJob.State.RUNNING, started_at__lt=now - limit
    ).update(
        state=ImportJob.State.FAILED,
        failure=ImportJob.Failure.FAILED,
        upload=b"",
        finished_at=now,
    )


def _counts(result: ImportResult) -> dict:
    return {
        name: {
            "created": c.created,
            "updated": c.updated,
            "deactivated": c.deactivated,
            "unchanged": c.unchanged,
            "absent": c.absent,
        }
        for name, _label, c in result.rows()
    }


def _finish(job: ImportJob, **fields) -> ImportJob:
    fields = {"upload": b"", "finished_at": timezone.now(), **fields}
    if fields["state"] == ImportJob.State.DONE:
        fields["stage"] = ""
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


def job_result(job: ImportJob) -> ImportResult | None:
    """The stored counts as the ImportResult the result page shows."""
    if job.state != ImportJob.State.DONE:
        return None
    result = ImportResult(format="oneroster", dry_run=job.dry_run)
    for name, counts in job.counts.items():
        kind = result.kind(name)
        for key, value in counts.items():
            setattr(kind, key, value)
    return result


def job_rejection(job: ImportJob) -> ImportRejected | None:
    """The stored problems as the ImportRejected the result page shows."""
    from schoolwell.roster.importing.errors import RowError

    if job.state != ImportJob.State.REJECTED:
        return None
    return ImportRejected([RowError(*p) for p in job.problems], job.problems_total)
