"""The screening results export: counsellors see their school's results; teachers only the
teacher-rated results they entered; administrators only counts (the aggregate workbook)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from schoolwell.referrals import texts
from schoolwell.reports.xlsx import excel_datetime
from schoolwell.screening.models import ScreeningResult
from schoolwell.screening.services import screening_result_record
from tests.screening.conftest import answers_with_total, decide_screening


@pytest.fixture
def results(
    instruments, phqa_window, srss_window, teacher, counsellor, student_a, student_a2, student_b
):
    decide_screening([student_a, student_a2, student_b])
    phqa = instruments["phq-a"]
    srss = instruments["srss-ie"]
    return {
        "a1_phqa": screening_result_record(
            student=student_a,
            instrument=phqa,
            window=phqa_window,
            by=counsellor,
            answers=answers_with_total(phqa.definition, ["q1", "q2", "q3"], 7),
        ),
        "a2_phqa": screening_result_record(
            student=student_a2,
            instrument=phqa,
            window=phqa_window,
            by=counsellor,
            answers=answers_with_total(phqa.definition, ["q1", "q2", "q3", "q4", "q5"], 12),
        ),
        "a1_srss": screening_result_record(
            student=student_a,
            instrument=srss,
            window=srss_window,
            by=teacher,
            answers={item["id"]: 0 for item in srss.definition["items"] if item["required"]},
        ),
    }


def test_counsellor_export_matches_the_stored_results(run_export, counsellor, results, load_rows):
    header, *rows = load_rows(run_export(counsellor, "screening"))["Screening results"]
    assert header[:7] == (
        "Administered",
        "Student ID",
        "Family name",
        "Given name",
        "Grade",
        "Instrument",
        "Version",
    )
    assert len(rows) == 3
    for result in ScreeningResult.objects.select_related("instrument", "student", "window"):
        row = next(
            r
            for r in rows
            if r[1] == result.student.local_id
            and r[5] == texts.instrument_short_name(result.instrument.code)
        )
        # Excel keeps milliseconds: the cell is the local time, to the millisecond.
        assert abs(row[0] - excel_datetime(result.administered_at)) < dt.timedelta(milliseconds=1)
        assert row[6] == result.instrument.version and row[7] == result.window.name
        with translation.override("en"):  # the requester's language
            band = (
                texts.band_words(result.instrument.code, "", result.band) if result.band else None
            )
        assert row[9] == result.total and row[10] == (band or result.band_label or None)
        assert row[12] is result.critical and row[13] is result.complete
    a2 = next(r for r in rows if r[1] == "A2")
    assert a2[9] == 12


def test_teacher_gets_only_the_ratings_they_entered(run_export, teacher, results, load_rows):
    rows = load_rows(run_export(teacher, "screening"))["Screening results"][1:]
    assert [(r[1], r[5]) for r in rows] == [("A1", "SRSS-IE12")]
    assert rows[0][8] == "Teacher about the student"


def test_administrators_cannot_export_individual_results(run_export, school_admin, results):
    with pytest.raises(PermissionDenied):
        run_export(school_admin, "screening")
