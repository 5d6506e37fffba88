"""Large OneRoster imports run as a background job with progress (eager Celery in tests)."""

import zipfile

import pytest
from django.urls import reverse
from django.utils import translation

from schoolwell.roster.importing import jobs, roster_import_oneroster
from schoolwell.roster.models import ImportJob, Student
from schoolwell.roster.services import district_admin_add
from tests.conftest import make_user

URL = reverse("roster:import")


@pytest.fixture
def background(settings):
    """Every OneRoster upload runs as a job."""
    settings.ROSTER_IMPORT_BACKGROUND_BYTES = 0


def upload(client, path, **data):
    with open(path, "rb") as file:
        return client.post(URL, {"file": file, "format": "oneroster", **data})


def _job_url(job, status=False):
    return reverse("roster:import_job_status" if status else "roster:import_job", args=[job.pk])


def test_large_upload_runs_as_a_job_and_shows_the_usual_result(
    background,
    client_for,
    district_admin,
    district,
    roster_files,
    make_zip,
    django_capture_on_commit_callbacks,
):
    client = client_for(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, make_zip(roster_files), district=district.pk)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _job_url(job)
    assert (job.state, job.requested_by, job.upload) == ("done", district_admin, b"")
    assert job.rows_total == sum(len(rows) for rows in roster_files.values())
    assert Student.objects.filter(sourced_id="st1").exists()
    page = client.get(_job_url(job))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Roster imported" in html
    assert 'data-label="Created">3<' in html  # the same table as a direct import
    assert "import_job.js" not in html  # finished: nothing to poll
    fragment = client.get(_job_url(job, status=True))
    assert fragment.status_code == 200
    assert 'data-done="1"' in fragment.content.decode()


def test_a_bad_file_in_a_job_shows_the_row_numbered_problems(
    background,
    client_for,
    district_admin,
    district,
    roster_files,
    make_zip,
    table_counts,
    django_capture_on_commit_callbacks,
):
    roster_files["enrollments"][1]["classSourcedId"] = "k9"
    before = table_counts()
    client = client_for(district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, make_zip(roster_files), district=district.pk)

    job = ImportJob.objects.get()
    assert (job.state, job.problems_total) == ("rejected", 1)
    assert job.problems == [
        ["enrollments.csv", 3, "classSourcedId", "Unknown class “k9”."],
    ]
    assert table_counts() == before
    html = client.get(_job_url(job)).content.decode()
    assert "The file was not imported: 1 problem found" in html
    assert "Unknown class “k9”." in html


def test_problems_are_written_in_the_requesters_language(
    background, district, roster_files, make_zip, tmp_path
):
    admin = make_user("ana-admin", preferred_language="es")
    district_admin_add(district=district, user=admin)
    roster_files["enrollments"][1]["classSourcedId"] = "k9"
    job = jobs.roster_import_job_request(user=admin, district=district, path=make_zip(roster_files))
    with translation.override("en"):
        job = jobs.roster_import_job_run(job_id=job.pk)
    assert job.state == "rejected"
    assert job.problems[0][3] != "Unknown class “k9”."
    assert "k9" in job.problems[0][3]


def test_progress_is_shown_while_the_job_runs(client_for, district_admin, district):
    job = ImportJob.objects.create(
        requested_by=district_admin,
        district=district,
        state=ImportJob.State.RUNNING,
        stage=ImportJob.Stage.CHECKING,
        rows_done=2000,
        rows_total=8000,
    )
    client = client_for(district_admin)
    page = client.get(_job_url(job)).content.decode()
    assert "import_job.js" in page
    assert 'http-equiv="refresh"' in page  # without JavaScript, the page reloads itself
    fragment = client.get(_job_url(job, status=True)).content.decode()
    assert 'data-done="0"' in fragment
    assert 'value="25"' in fragment
    assert "2000 of 8000 rows checked" in fragment
    assert "Checking every row" in fragment
    assert "<html" not in fragment  # a fragment, not a page


def test_progress_is_reported_while_checking(district, roster_files, make_zip):
    for i in range(2500):
        roster_files["users"].append(
            {**roster_files["users"][1], "sourcedId": f"x{i}", "identifier": f"9{i:05d}"}
        )
    seen = []
    roster_import_oneroster(
        path=make_zip(roster_files),
        district=district,
        by=None,
        dry_run=True,
        progress=lambda stage, rows: seen.append((stage, rows)),
    )
    checking = [rows for stage, rows in seen if stage == "checking"]
    assert checking == sorted(checking) and checking[-1] >= 2000
    assert seen[-1] == ("writing", 0)


def test_a_crashed_job_is_failed_with_a_message(
    background, client_for, district_admin, district, roster_files, make_zip, monkeypatch
):
    def crash(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(jobs, "roster_import_oneroster", crash)
    job = jobs.roster_import_job_request(
        user=district_admin, district=district, path=make_zip(roster_files)
    )
    job = jobs.roster_import_job_run(job_id=job.pk)
    assert (job.state, job.failure, job.upload) == ("failed", "failed", b"")
    html = client_for(district_admin).get(_job_url(job)).content.decode()
    assert "The import stopped unexpectedly" in html
    assert "boom" not in html


def test_a_redelivered_task_does_not_import_twice(district_admin, district, roster_files, make_zip):
    job = jobs.roster_import_job_request(
        user=district_admin, district=district, path=make_zip(roster_files)
    )
    assert jobs.roster_import_job_run(job_id=job.pk).state == "done"
    again = jobs.roster_import_job_run(job_id=job.pk)
    assert again.state == "done"
    assert again.counts["students"]["created"] == 3


def test_small_uploads_and_templates_stay_direct(
    client_for, district_admin, district, roster_files, make_zip
):
    response = upload(client_for(district_admin), make_zip(roster_files), district=district.pk)
    assert response.status_code == 200
    assert b"Roster imported" in response.content
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    "who",
    [
        "other_district_admin",
        "school_admin",
        "counsellor",
        "teacher",
        "parent",
        "other_parent",
        "outsider",
    ],
)
def test_only_the_requester_sees_a_job(
    request, client_for, district_admin, district, other_district, who
):
    job = ImportJob.objects.create(requested_by=district_admin, district=district)
    if who == "other_district_admin":
        user = make_user("odadmin")
        district_admin_add(district=other_district, user=user)
    else:
        user = request.getfixturevalue(who)
    client = client_for(user)
    for url in (_job_url(job), _job_url(job, status=True)):
        assert client.get(url).status_code in (403, 404)


def test_anonymous_is_sent_to_sign_in(client, district_admin, district):
    job = ImportJob.objects.create(requested_by=district_admin, district=district)
    response = client.get(_job_url(job))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_progress_reads_in_spanish(client_for, district_admin, district):
    district_admin.preferred_language = "es"
    district_admin.save(update_fields=["preferred_language"])
    job = ImportJob.objects.create(
        requested_by=district_admin,
        district=district,
        state=ImportJob.State.RUNNING,
        stage=ImportJob.Stage.WRITING,
        rows_done=10,
        rows_total=10,
    )
    client = client_for(district_admin)
    client.cookies["django_language"] = "es"
    with translation.override("en"):  # the request activates Spanish; not for later tests
        html = client.get(_job_url(job), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "En curso: Guardando las listas" in html
    assert "10 de 10 filas revisadas" in html


def test_a_job_whose_worker_died_is_failed_by_the_sweep(district_admin, district, settings):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    stale = ImportJob.objects.create(
        requested_by=district_admin,
        district=district,
        state=ImportJob.State.RUNNING,
        started_at=now - dt.timedelta(minutes=settings.ROSTER_IMPORT_JOB_MAX_MINUTES + 1),
        upload=b"zip",
    )
    fresh = ImportJob.objects.create(
        requested_by=district_admin,
        district=district,
        state=ImportJob.State.RUNNING,
        started_at=now - dt.timedelta(minutes=1),
    )

    assert jobs.roster_import_jobs_fail_stale(now=now) == 1

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.state, stale.failure, bytes(stale.upload)) == ("failed", "failed", b"")
    assert fresh.state == "running"


def test_rows_of_a_large_file_are_estimated_from_a_sample(tmp_path):
    path = tmp_path / "big.zip"
    rows = [f"enr-{n},,,cls-{n % 300},sch-1,stu-{n},student,2026-08-20\r\n" for n in range(20_000)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("enrollments.csv", "sourcedId,status\r\n" + "".join(rows))
        archive.writestr("orgs.csv", "sourcedId,name,type\r\nsch-1,One,school\r\n")
    assert len("".join(rows)) > 4 * jobs.SAMPLE_BYTES  # not counted whole

    # Row lengths vary (the numbers grow), so the estimate is near, not exact.
    assert abs(jobs._rows_in(path) - 20_001) < 20_000 * 0.1
