"""The de-identified aggregate workbook: counts only, suppressed, logged as one row."""

import datetime as dt

from django.utils import timezone

from schoolwell.audit.models import AccessLog
from schoolwell.screening.models import CheckIn
from tests.conftest import enroll, make_student


def test_aggregate_workbook_is_suppressed_and_logged_once(
    run_export, school_admin, teacher, school_a, class_a, load_rows
):
    today = timezone.localdate()
    students = []
    for i in range(14):
        student = make_student(school_a, f"G{i}", grade=7)
        enroll(student, class_a)
        students.append(student)
    # 3 with a low check-in, 11 checked in and fine: the 3 must not show, nor be derivable.
    for i, student in enumerate(students):
        CheckIn.objects.create(
            student=student,
            teacher=teacher,
            klass=class_a,
            date=today - dt.timedelta(days=1),
            wellbeing=1 if i < 3 else 4,
        )
    export = run_export(school_admin, "aggregate")
    sheets = load_rows(export)
    assert set(sheets) >= {"By school and grade", "Check-ins by grade band", "Screening completion"}
    header, *rows = sheets["Check-ins by grade band"]
    assert header == (
        "Grade band",
        "A low check-in (≤ 2)",
        "Checked in, never low",
        "Not checked in",
        "Total",
    )
    band = next(r for r in rows if r[0] == "6–8")
    assert band[1] == "<10"  # 3 students
    # Its complement is hidden too (here the 0 of "not checked in"), else 14 − 11 − 0 = 3.
    assert band[3] == "<10"
    assert band[2] == 11
    assert band[4] == 14
    assert sheets["By school and grade"][1] == ("School A", 14, 14)
    # No names or identifiers anywhere.
    text = " ".join(str(v) for rows in sheets.values() for row in rows for v in row if v)
    assert "G1" not in text and "Family" not in text
    logs = AccessLog.objects.filter(what="export: aggregate")
    assert logs.count() == 1 and logs.get().student_id is None
    assert "School A" in logs.get().detail
