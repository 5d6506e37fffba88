"""An export interrupted by a database error, or by a worker that died, never stays
"running" (issue 10): it is marked failed, with a message in the reader's language."""

import datetime as dt
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone, translation

from schoolwell.audit.models import AccessLog
from schoolwell.reports import services
from schoolwell.reports.models import Export
from schoolwell.reports.services import export_fail_stale, export_run


def _queued(user) -> Export:
    return Export.objects.create(
        requested_by=user, kind="roster", expires_at=timezone.now() + dt.timedelta(hours=24)
    )


def test_a_database_error_while_writing_fails_the_export(client_for, teacher, student_a):
    export = _queued(teacher)
    with mock.patch.object(services, "_write", side_effect=OperationalError("connection lost")):
        export = export_run(export_id=export.pk)

    assert (export.status, export.error) == (Export.Status.FAILED, Export.Failure.DATABASE)
    assert export.finished_at is not None and not export.file
    assert not AccessLog.objects.exists()
    client = client_for(teacher)
    status = client.get(reverse("reports:export_status")).json()["exports"][0]
    assert status["status_label"] == (
        "Failed · The database could not be read while the export ran. Please request it again."
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    try:
        page = client.get(reverse("reports:export_list")).content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)
    assert "No se pudo leer la base de datos mientras se generaba la exportación" in page


def test_a_failure_that_cannot_be_recorded_does_not_escape(teacher, student_a):
    export = _queued(teacher)
    real_filter = Export.objects.filter

    def refuse_the_failure(*args, **kwargs):
        queryset = real_filter(*args, **kwargs)
        if kwargs.get("status") == Export.Status.RUNNING:
            queryset.update = mock.Mock(side_effect=OperationalError("still down"))
        return queryset

    with (
        mock.patch.object(services, "_write", side_effect=OperationalError("down")),
        mock.patch.object(Export.objects, "filter", side_effect=refuse_the_failure),
    ):
        returned = export_run(export_id=export.pk)

    assert returned.status == Export.Status.FAILED  # what the requester is told
    assert Export.objects.get(pk=export.pk).status == Export.Status.RUNNING  # the database
    later = timezone.now() + dt.timedelta(minutes=settings.EXPORT_MAX_RUNNING_MINUTES + 1)
    assert export_fail_stale(now=later) == 1
    assert Export.objects.get(pk=export.pk).error == Export.Failure.TIMED_OUT


def test_stale_running_exports_are_failed_and_recent_ones_left(teacher):
    now = timezone.now()
    limit = dt.timedelta(minutes=settings.EXPORT_MAX_RUNNING_MINUTES)
    stale, recent, done = _queued(teacher), _queued(teacher), _queued(teacher)
    Export.objects.filter(pk=stale.pk).update(
        status=Export.Status.RUNNING, started_at=now - limit - dt.timedelta(seconds=1)
    )
    Export.objects.filter(pk=recent.pk).update(
        status=Export.Status.RUNNING, started_at=now - limit + dt.timedelta(minutes=1)
    )
    Export.objects.filter(pk=done.pk).update(status=Export.Status.DONE, started_at=now - 2 * limit)

    assert export_fail_stale(now=now) == 1

    statuses = dict(Export.objects.values_list("pk", "status"))
    assert statuses == {
        stale.pk: Export.Status.FAILED,
        recent.pk: Export.Status.RUNNING,
        done.pk: Export.Status.DONE,
    }
    assert Export.objects.get(pk=stale.pk).error_message.startswith("The export stopped")


def test_the_stale_check_is_scheduled():
    from schoolwell.reports.tasks import export_fail_stale_task

    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert export_fail_stale_task.name in names


@pytest.mark.parametrize("legacy", ["Export failed."])
def test_errors_written_before_codes_still_show(teacher, legacy):
    export = _queued(teacher)
    export.error = legacy
    assert export.error_message == legacy
