"""Export pages: request, progress JSON, download by the requester only, expiry."""

import datetime as dt
import io
import os

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.accounts.roles import Role
from schoolwell.reports.models import Export
from schoolwell.reports.services import export_expire
from schoolwell.roster.services import school_staff_add
from tests.conftest import make_user

LIST = reverse("reports:export_list")
STATUS = reverse("reports:export_status")


def download_url(export):
    return reverse("reports:export_download", args=[export.pk])


def test_staff_see_the_page_and_only_their_kinds(client_for, teacher, school_admin):
    response = client_for(teacher).get(LIST)
    assert response.status_code == 200
    kinds = [value for value, _label in response.context["form"].fields["kind"].choices]
    assert "roster" in kinds and "aggregate" not in kinds  # aggregates are for administrators
    response = client_for(school_admin).get(LIST)
    kinds = [value for value, _label in response.context["form"].fields["kind"].choices]
    assert {"roster", "aggregate"} <= set(kinds)


def test_parent_and_outsider_are_refused(client_for, parent, outsider):
    for user in (parent, outsider):
        client = client_for(user)
        assert client.get(LIST).status_code == 403
        assert client.post(LIST, {"kind": "roster"}).status_code == 403
    assert not Export.objects.exists()


def test_post_starts_an_export_and_redirects(
    client_for, school_admin, student_a, django_capture_on_commit_callbacks
):
    client = client_for(school_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LIST, {"kind": "roster", "school": student_a.school_id})
    assert response.status_code == 302
    export = Export.objects.get()
    assert export.requested_by == school_admin
    assert export.status == Export.Status.DONE
    assert export.filters["school"] == student_a.school_id
    page = client.get(LIST)
    assert download_url(export).encode() in page.content


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "nonsense"},
        {"kind": "aggregate"},  # not a teacher's kind
        {"kind": "roster", "date_from": "2026-13-40"},
        {"kind": "roster", "date_from": "2026-10-01", "date_to": "2026-09-01"},
    ],
)
def test_bad_input_is_a_400_and_changes_nothing(client_for, teacher, data):
    response = client_for(teacher).post(LIST, data)
    assert response.status_code == 400
    assert not Export.objects.exists()


def test_another_schools_id_is_refused(client_for, school_admin, school_b):
    response = client_for(school_admin).post(LIST, {"kind": "roster", "school": school_b.pk})
    assert response.status_code == 400
    assert not Export.objects.exists()


@pytest.fixture
def finished(run_export, school_admin, student_a):
    return run_export(school_admin)


def test_requester_downloads_the_file(client_for, school_admin, finished):
    response = client_for(school_admin).get(download_url(finished))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="schoolwell-roster-')
    assert response["Cache-Control"] == "private, no-store"
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "Students" in wb.sheetnames


def test_nobody_else_can_download(
    client_for,
    finished,
    school_a,
    teacher,
    other_teacher,
    counsellor,
    other_counsellor,
    district_admin,
    parent,
    outsider,
):
    same_school_admin = make_user("admin_too")
    school_staff_add(school=school_a, user=same_school_admin, role=Role.SCHOOL_ADMIN)
    others = [teacher, other_teacher, counsellor, other_counsellor, district_admin, parent]
    for user in [*others, outsider, same_school_admin]:
        client = client_for(user)
        assert client.get(download_url(finished)).status_code == 404, user
        assert client.get(STATUS).json() == {"exports": []}


def test_expired_export_is_gone(client_for, school_admin, finished):
    Export.objects.filter(pk=finished.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client_for(school_admin).get(download_url(finished)).status_code == 410


def test_cleanup_deletes_expired_files_only(school_admin, finished, run_export):
    fresh = run_export(school_admin)
    path = finished.file.path
    Export.objects.filter(pk=finished.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    assert export_expire() == 1
    finished.refresh_from_db()
    assert finished.status == Export.Status.EXPIRED and not finished.file
    assert not os.path.exists(path)
    assert os.path.exists(fresh.file.path)
    assert export_expire() == 0


def test_file_name_is_unguessable(finished):
    name = finished.file.name
    assert name.startswith("exports/") and name.endswith(".xlsx")
    assert len(name) > len("exports/.xlsx") + 24


def test_unfinished_export_cannot_be_downloaded(client_for, school_admin):
    export = Export.objects.create(
        requested_by=school_admin, kind="roster", expires_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert client_for(school_admin).get(download_url(export)).status_code == 404
    status = client_for(school_admin).get(STATUS).json()["exports"][0]
    assert status["status"] == "queued" and status["download_url"] is None


def test_status_reports_progress(client_for, school_admin, finished):
    status = client_for(school_admin).get(STATUS).json()["exports"][0]
    assert status["status"] == "done"
    assert status["percent"] == 100
    assert status["rows_done"] == status["rows_total"]
    assert status["download_url"] == download_url(finished)


def test_list_page_queries_are_constant(
    client_for, school_admin, run_export, student_a, django_assert_max_num_queries
):
    client = client_for(school_admin)
    run_export(school_admin)
    client.get(LIST)
    with django_assert_max_num_queries(12) as few:
        client.get(LIST)
    for _ in range(8):
        run_export(school_admin)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LIST)
