"""Training records: coverage per school (current, expiring soon, expired), and the XLSX
import, all or nothing with row-numbered errors."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook

from schoolwell.community import selectors, services
from schoolwell.community.models import TrainingRecord

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def record(school, user, admin, *, expires, course="mhfa"):
    services.training_records_add(
        school=school,
        by=admin,
        rows=[
            {
                "staff": user,
                "course": course,
                "course_name": "",
                "completed_on": TODAY - dt.timedelta(days=400),
                "expires_on": expires,
            }
        ],
    )


def test_coverage_counts_current_and_expiring_training(
    school_a, school_admin, counsellor, teacher, other_teacher
):
    # Staff of school A: the admin, the counsellor and two teachers.
    record(school_a, counsellor, school_admin, expires=TODAY + dt.timedelta(days=400))
    record(school_a, teacher, school_admin, expires=TODAY + dt.timedelta(days=10))
    record(school_a, other_teacher, school_admin, expires=TODAY - dt.timedelta(days=1))
    (row,) = selectors.training_coverage(school_admin, TODAY)
    assert (row.staff, row.trained, row.expiring) == (4, 2, 1)
    assert row.share == 50
    # On the administrators' home page.
    from django.test import Client

    client = Client()
    client.force_login(school_admin)
    body = client.get("/").content.decode()
    assert "50% (2/4)" in body


def test_only_administrators_see_training(client_for, counsellor, teacher):
    assert client_for(counsellor).get("/community/training/").status_code == 403


def workbook(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["email", "course", "course_name", "completed_on", "expires_on"])
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "training.xlsx"
    return data


def test_import_is_all_or_nothing_with_row_numbers(client_for, school_a, school_admin, teacher):
    upload = workbook(
        [
            [teacher.email, "mhfa", "", "2026-01-10", "2029-01-10"],
            ["nobody@example.org", "mhfa", "", "2026-01-10", ""],
            [teacher.email, "karate", "", "not a date", ""],
            [teacher.email, "school", "", "2026-01-10", "2025-01-01"],
        ]
    )
    response = client_for(school_admin).post(
        "/community/training/", {"school": school_a.pk, "file": upload}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "row 3, email" in body
    assert "row 4, course" in body and "row 4, completed_on" in body
    assert "row 5, course_name" in body and "row 5, expires_on" in body
    assert not TrainingRecord.objects.exists()


def test_a_good_file_is_imported(client_for, school_a, school_admin, teacher, counsellor):
    upload = workbook(
        [
            [teacher.email.upper(), "youth_mhfa", "", "2026-01-10", "2029-01-10"],
            [counsellor.email, "school", "Grief basics", dt.datetime(2026, 2, 1), None],
        ]
    )
    response = client_for(school_admin).post(
        "/community/training/", {"school": school_a.pk, "file": upload}
    )
    assert response.status_code == 302
    assert TrainingRecord.objects.count() == 2


@pytest.mark.parametrize(
    "content", [b"not a workbook", b"PK\x03\x04broken zip"], ids=["text", "broken"]
)
def test_unreadable_files_are_a_400(client_for, school_a, school_admin, content):
    upload = io.BytesIO(content)
    upload.name = "x.xlsx"
    response = client_for(school_admin).post(
        "/community/training/", {"school": school_a.pk, "file": upload}
    )
    assert response.status_code == 400
    assert not TrainingRecord.objects.exists()


def test_too_many_rows_are_refused(client_for, school_a, school_admin, teacher, settings):
    settings.ROSTER_IMPORT_MAX_ROWS = 3
    upload = workbook([[teacher.email, "mhfa", "", "2026-01-10", ""]] * 5)
    response = client_for(school_admin).post(
        "/community/training/", {"school": school_a.pk, "file": upload}
    )
    assert response.status_code == 400
    assert "more than 3 rows" in response.content.decode()


def test_another_schools_administrator_cannot_import_here(client_for, school_b, school_admin):
    upload = workbook([])
    response = client_for(school_admin).post(
        "/community/training/", {"school": school_b.pk, "file": upload}
    )
    assert response.status_code == 400  # school B is not a choice for them


@pytest.mark.parametrize("extra_schools", [0, 4])
def test_coverage_takes_a_constant_number_of_queries(
    district, district_admin, school_a, teacher, extra_schools, django_assert_max_num_queries
):
    from schoolwell.roster.models import School

    for index in range(extra_schools):
        School.objects.create(district=district, name=f"Extra {index}", code=f"extra-{index}")
    selectors.training_coverage(district_admin, TODAY)  # warm the scope cache
    with django_assert_max_num_queries(8):
        rows = selectors.training_coverage(district_admin, TODAY)
    assert len(rows) >= 1 + extra_schools
