"""The roster export through the background task: contents, scoping and disclosure rows."""

import datetime as dt

import pytest

from schoolwell.audit.models import AccessLog
from schoolwell.reports.models import Export
from tests.conftest import enroll, make_student


@pytest.fixture
def run(run_export):
    return run_export


@pytest.fixture
def school_a_students(student_a, student_a2, school_a, class_a):
    extra = make_student(
        school_a, "=A3", grade=8, given_name="=cmd|' /C calc'!A0", preferred_language="es"
    )
    enroll(extra, class_a)
    return [student_a, student_a2, extra]


def test_school_admin_gets_every_student_of_the_school_with_typed_values(
    run, school_admin, school_a_students, student_b, student_x, load_rows
):
    export = run(school_admin)
    assert export.status == Export.Status.DONE
    sheets = load_rows(export)
    assert list(sheets) == ["About this export", "Students", "Enrolments"]
    header, *rows = sheets["Students"]
    assert header[:6] == (
        "Student ID",
        "Given name",
        "Family name",
        "Preferred name",
        "Grade",
        "Date of birth",
    )
    by_id = {row[0]: row for row in rows}
    assert set(by_id) == {"A1", "A2", "'=A3"}  # never school B's or another district's
    a1 = by_id["A1"]
    assert a1[1:5] == ("GivenA1", "FamilyA1", None, 7)
    assert a1[5] == dt.datetime(2013, 5, 1)  # a real date cell
    assert a1[6] == "English" and a1[7] == "School A" and a1[8] is True
    assert by_id["'=A3"][1] == "'=cmd|' /C calc'!A0"  # neutralised, not a formula
    assert by_id["'=A3"][6] == "Español"
    assert export.rows_done == export.rows_total == 3 + 3


def test_teacher_export_holds_only_their_class(run, teacher, school_a_students, load_rows):
    export = run(teacher)
    sheets = load_rows(export)
    assert {row[0] for row in sheets["Students"][1:]} == {"A1", "'=A3"}
    assert {row[3] for row in sheets["Enrolments"][1:]} == {"Advisory 7-A"}


def test_other_school_admin_sees_nothing_of_school_a(
    run, school_b, school_a_students, student_b, load_rows
):
    from schoolwell.accounts.roles import Role
    from schoolwell.roster.services import school_staff_add
    from tests.conftest import make_user

    admin_b = make_user("admin_b")
    school_staff_add(school=school_b, user=admin_b, role=Role.SCHOOL_ADMIN)
    sheets = load_rows(run(admin_b))
    assert [row[0] for row in sheets["Students"][1:]] == ["B1"]
    # Asking for school A by id changes nothing: the filter narrows, never widens.
    sheets = load_rows(run(admin_b, school_id=school_a_students[0].school_id))
    assert sheets["Students"][1:] == []


def test_district_admin_sees_both_schools_and_can_narrow_to_one(
    run, district_admin, school_a_students, student_b, student_x, school_b, load_rows
):
    ids = {row[0] for row in load_rows(run(district_admin))["Students"][1:]}
    assert ids == {"A1", "A2", "'=A3", "B1"}
    ids = {row[0] for row in load_rows(run(district_admin, school_id=school_b.pk))["Students"][1:]}
    assert ids == {"B1"}


def test_one_disclosure_row_per_student_included(
    run, teacher, school_a_students, student_a, student_a2
):
    export = run(teacher)
    logs = AccessLog.objects.filter(action=AccessLog.Action.EXPORT)
    assert sorted(logs.values_list("student_id", flat=True)) == sorted(
        [student_a.pk, school_a_students[2].pk]
    )
    assert set(logs.values_list("user_id", "what", "detail")) == {
        (teacher.pk, "export: roster", f"export #{export.pk}")
    }


def test_parent_and_outsider_cannot_request(run, parent, outsider):
    from django.core.exceptions import PermissionDenied

    for user in (parent, outsider):
        with pytest.raises(PermissionDenied):
            run(user)
    assert not Export.objects.exists()


def test_lost_access_before_the_task_runs_fails_the_export(run, teacher, student_a, class_a):
    from schoolwell.reports.services import export_run
    from schoolwell.roster.services import class_set_teachers

    export = Export.objects.create(
        requested_by=teacher, kind="roster", expires_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
    )
    class_set_teachers(klass=class_a, teachers=[])
    teacher.__dict__.pop("_schoolwell_scope", None)
    export = export_run(export_id=export.pk)
    assert export.status == Export.Status.FAILED
    assert not export.file
    assert not AccessLog.objects.exists()
