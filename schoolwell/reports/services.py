"""Writes of the reports app: requesting, running and expiring exports."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from schoolwell.audit.models import AccessLog
from schoolwell.audit.services import access_log_record, access_log_record_many
from schoolwell.reports.exports import KINDS, ExportFilters, ExportKind, ExportScope
from schoolwell.reports.exports.base import user_scope
from schoolwell.reports.models import Export
from schoolwell.reports.xlsx import About, WriteResult, write_workbook

logger = logging.getLogger(__name__)


def export_ttl() -> dt.timedelta:
    # The file holds children's records outside the database: keep it only briefly.
    return dt.timedelta(hours=getattr(settings, "EXPORT_TTL_HOURS", 24))


def _describe_filters(scope: ExportScope) -> list[tuple[str, str]]:
    names = ", ".join(scope.schools.order_by("name").values_list("name", flat=True))
    period = "–".join(
        d.isoformat() if d else "…" for d in (scope.filters.date_from, scope.filters.date_to)
    )
    return [(_("Schools"), names or _("none")), (_("Period"), period)]


def _write(
    kind: ExportKind,
    scope: ExportScope,
    out,
    *,
    requested_by: str,
    on_progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> WriteResult:
    tables = kind.tables(scope)
    if on_total is not None:
        on_total(sum(t.count or 0 for t in tables))
    about = About(
        title=_("SchoolWell export: %(kind)s") % {"kind": kind.label},
        requested_by=requested_by,
        generated_at=timezone.now(),
        filters=_describe_filters(scope),
        notes=[str(kind.description)],
    )
    return write_workbook(out, tables=tables, about=about, on_progress=on_progress)


def _log_disclosures(
    kind: ExportKind, scope: ExportScope, result: WriteResult, *, detail: str
) -> None:
    """Rule 8: one row per student actually written, or one naming a de-identified set."""
    what = f"export: {kind.code}"
    if kind.student_level:
        access_log_record_many(
            user=scope.user,
            students=iter(sorted(result.student_ids)),
            what=what,
            action=AccessLog.Action.EXPORT,
            detail=detail,
        )
    elif scope.user is not None:
        with translation.override("en"):  # the disclosure record is kept in one language
            described = _describe_filters(scope)
        summary = "; ".join(f"{name}: {value}" for name, value in described)
        access_log_record(
            user=scope.user,
            student=None,
            what=what,
            action=AccessLog.Action.EXPORT,
            detail=f"{detail} {summary}".strip()[:255],
        )


def export_write(
    *, kind: ExportKind, scope: ExportScope, out, requested_by: str, detail: str = ""
) -> WriteResult:
    """Write one export synchronously (the `export` command) and log its disclosures."""
    if scope.user is None and not kind.operator_ok:
        raise PermissionDenied("this export needs the user it is disclosed to")
    result = _write(kind, scope, out, requested_by=requested_by)
    with transaction.atomic():
        _log_disclosures(kind, scope, result, detail=detail)
    return result


def export_request(*, user, kind: str, filters: ExportFilters, language: str = "") -> Export:
    """Queue an export for the user; it runs in the background (eagerly in dev and tests),
    written in `language` (the one they read the site in)."""
    from schoolwell.reports.tasks import export_run_task

    export_kind = KINDS.get(kind)
    if export_kind is None:
        raise ValidationError(_("Unknown export kind."))
    if not export_kind.allowed_for(user):
        raise PermissionDenied(_("Your role cannot request this export."))
    with transaction.atomic():
        export = Export.objects.create(
            requested_by=user,
            kind=kind,
            filters=filters.to_json(),
            language=language if language in dict(settings.LANGUAGES) else "",
            expires_at=timezone.now() + export_ttl(),
        )
        transaction.on_commit(lambda: export_run_task.delay(export.pk))
    return export


def export_run(*, export_id: int) -> Export:
    """Build the file of a queued export, updating its progress as rows are written."""
    claimed = Export.objects.filter(pk=export_id, status=Export.Status.QUEUED).update(
        status=Export.Status.RUNNING, started_at=timezone.now()
    )
    export = Export.objects.select_related("requested_by").get(pk=export_id)
    if not claimed:  # a redelivered task: another worker has it or it is finished
        return export
    kind = KINDS[export.kind]
    user = export.requested_by

    def set_total(total: int) -> None:
        Export.objects.filter(pk=export.pk).update(rows_total=total)

    def set_progress(done: int) -> None:
        Export.objects.filter(pk=export.pk).update(rows_done=done)

    try:
        # The requester's grants are read now, not when they asked: access lost since is lost.
        if not kind.allowed_for(user):
            raise PermissionDenied("role no longer allows this export")
        scope = user_scope(user, kind, ExportFilters.from_json(export.filters))
        language = export.language or user.preferred_language or settings.LANGUAGE_CODE
        # Labels, reasons, events and dates in the requester's language.
        with tempfile.TemporaryFile() as tmp, translation.override(language):
            # Outside a transaction, so the progress updates are seen while rows are written.
            result = _write(
                kind,
                scope,
                tmp,
                requested_by=user.get_full_name() or user.username,
                on_progress=set_progress,
                on_total=set_total,
            )
            tmp.seek(0)
            with transaction.atomic():
                _log_disclosures(kind, scope, result, detail=f"export #{export.pk}")
                export.file.save(f"{export.kind}.xlsx", File(tmp), save=False)
                export.status = Export.Status.DONE
                export.rows_done = result.rows
                export.finished_at = timezone.now()
                export.save(update_fields=["file", "status", "rows_done", "finished_at"])
    except Exception as exc:
        logger.exception("export %s failed", export.pk)
        if isinstance(exc, PermissionDenied):
            failure = Export.Failure.NOT_ALLOWED
        elif isinstance(exc, DatabaseError):
            failure = Export.Failure.DATABASE
        else:
            failure = Export.Failure.FAILED
        return _export_fail(export, failure)
    return export


def _export_fail(export: Export, failure: str) -> Export:
    """Mark a running export failed. The database error that failed it may have broken the
    connection too: it is reopened once; if that fails as well, export_fail_stale will
    mark it later, so an export is never left "running" for ever."""
    if export.file:
        try:
            export.file.delete(save=False)
        except OSError:
            logger.exception("export %s: could not delete its partial file", export.pk)
    for attempt in (1, 2):
        try:
            Export.objects.filter(pk=export.pk, status=Export.Status.RUNNING).update(
                status=Export.Status.FAILED, finished_at=timezone.now(), error=failure
            )
            export.refresh_from_db()
            break
        except DatabaseError:
            if attempt == 2 or connection.in_atomic_block:
                logger.exception("export %s: could not be marked failed", export.pk)
                export.status, export.error = Export.Status.FAILED, failure
                break
            connection.close()  # the next query opens a fresh connection
    return export


def export_fail_stale(*, now: dt.datetime | None = None) -> int:
    """Periodic: fail exports still "running" past the limit — their worker died, or a
    database failure kept it from recording the outcome."""
    now = now or timezone.now()
    limit = dt.timedelta(minutes=settings.EXPORT_MAX_RUNNING_MINUTES)
    stale = Export.objects.filter(status=Export.Status.RUNNING).filter(
        Q(started_at__lte=now - limit) | Q(started_at__isnull=True, created_at__lte=now - limit)
    )
    count = stale.update(
        status=Export.Status.FAILED, finished_at=now, error=Export.Failure.TIMED_OUT
    )
    if count:
        logger.warning("%d export(s) left running past %s were marked failed", count, limit)
    return count


def export_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports past their expiry; the row stays as a record."""
    now = now or timezone.now()
    expired = 0
    stale = Export.objects.filter(expires_at__lte=now).exclude(status=Export.Status.EXPIRED)
    for export in stale.iterator():
        if export.file:
            export.file.delete(save=False)
        Export.objects.filter(pk=export.pk).update(status=Export.Status.EXPIRED, file="")
        expired += 1
    return expired
