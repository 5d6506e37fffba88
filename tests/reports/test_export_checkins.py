"""The check-ins export: a teacher's own check-ins, a counsellor's whole school."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from schoolwell.audit.models import AccessLog
from schoolwell.screening.models import CheckIn, ConcernTag
from tests.conftest import enroll


@pytest.fixture
def checkins(teacher, other_teacher, student_a, student_a2, student_b, class_a, class_a2, class_b):
    ConcernTag.objects.create(code="tired", label={"en": "Tired", "es": "Cansado"})
    ConcernTag.objects.create(code="home", label={"en": "Home worry"}, sensitive=True)
    enroll(student_a, class_a2)  # student A is also in the other teacher's class
    day = dt.date(2026, 10, 5)
    return {
        "mine": CheckIn.objects.create(
            student=student_a,
            teacher=teacher,
            klass=class_a,
            date=day,
            wellbeing=2,
            tags=["tired", "home"],
            note='=HYPERLINK("x")',
        ),
        "absent": CheckIn.objects.create(
            student=student_a,
            teacher=teacher,
            klass=class_a,
            date=day + dt.timedelta(days=1),
            absent=True,
        ),
        "colleague": CheckIn.objects.create(
            student=student_a, teacher=other_teacher, klass=class_a2, date=day, wellbeing=4
        ),
        "a2": CheckIn.objects.create(
            student=student_a2, teacher=other_teacher, klass=class_a2, date=day, wellbeing=5
        ),
        "b": CheckIn.objects.create(
            student=student_b, teacher=other_teacher, klass=class_b, date=day, wellbeing=3
        ),
    }


def test_teacher_exports_only_their_own_checkins(
    run_export, teacher, checkins, student_a, load_rows
):
    export = run_export(teacher, "checkins")
    header, *rows = load_rows(export)["Check-ins"]
    assert header == (
        "Date",
        "Student ID",
        "Family name",
        "Given name",
        "Grade",
        "Class",
        "Teacher",
        "Wellbeing",
        "Wellbeing (words)",
        "Absent",
        "Concerns",
        "Note",
    )
    assert len(rows) == 2
    first, second = rows
    assert first[0] == dt.datetime(2026, 10, 5)
    assert first[1:8] == ("A1", "FamilyA1", "GivenA1", 7, "Advisory 7-A", "Tess Teacher", 2)
    assert first[8:10] == ("Low", False)
    assert first[10] == "Tired"  # the sensitive tag is for counsellors only
    assert first[11] == '\'=HYPERLINK("x")'
    assert second[7:10] == (None, None, True)
    logged = AccessLog.objects.filter(what="export: checkins")
    assert list(logged.values_list("student_id", flat=True)) == [student_a.pk]


def test_counsellor_exports_the_whole_school(run_export, counsellor, checkins, load_rows):
    rows = load_rows(run_export(counsellor, "checkins"))["Check-ins"][1:]
    assert len(rows) == 4  # never school B's
    mine = next(r for r in rows if r[6] == "Tess Teacher" and r[7] == 2)
    assert mine[10] == "Tired, Home worry"


def test_period_filter(run_export, counsellor, checkins, load_rows):
    day = dt.date(2026, 10, 6)
    rows = load_rows(run_export(counsellor, "checkins", date_from=day, date_to=day))["Check-ins"][
        1:
    ]
    assert [r[9] for r in rows] == [True]


def test_administrators_see_counts_not_checkins(run_export, school_admin, district_admin, checkins):
    for user in (school_admin, district_admin):
        with pytest.raises(PermissionDenied):
            run_export(user, "checkins")
