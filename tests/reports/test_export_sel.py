"""The SEL export repeats the coverage page's figures (sel.selectors.coverage_report)."""

import datetime as dt

from schoolwell.audit.models import AccessLog
from schoolwell.sel.models import DeliveryStatus
from schoolwell.sel.selectors import coverage_report
from tests.sel.conftest import TODAY, log


def test_sel_export_matches_coverage_and_stays_in_scope(
    run_export, school_admin, class_a, class_a2, class_b, make_lesson, schedule, today, load_rows
):
    calm = make_lesson("calm", codes=("self_management", "self_awareness"), minutes=30)
    log(schedule(class_a, calm, dt.date(2026, 9, 2)), minutes=25)
    log(schedule(class_a, calm, dt.date(2026, 9, 9)), status=DeliveryStatus.SKIPPED, reason="=Trip")
    schedule(class_a2, calm, dt.date(2026, 10, 1))
    schedule(class_b, calm, dt.date(2026, 9, 2))  # school B: never in school A's export

    export = run_export(school_admin, "sel")
    sheets = load_rows(export)
    header, *classes = sheets["Coverage by class"]
    assert header[:9] == (
        "Class",
        "School",
        "Scheduled",
        "Due",
        "Delivered",
        "Skipped",
        "Behind plan",
        "Delivery rate",
        "Minutes delivered",
    )
    by_class = {row[0]: row for row in classes}
    assert set(by_class) == {"Advisory 7-A", "Advisory 7-B"}
    report = coverage_report(
        user=school_admin, start=dt.date(2026, 8, 20), end=dt.date(2027, 6, 15), today=TODAY
    )
    expected = {row.label: row for row in report.classes}["Advisory 7-A"]
    assert by_class["Advisory 7-A"][2:9] == (2, 2, 1, 1, 0, 0.5, 25)
    assert list(by_class["Advisory 7-A"][9:]) == expected.minutes_per_competency
    assert [row[0] for row in sheets["Coverage by school"][1:]] == ["School A"]
    lessons = sheets["Lessons"][1:]
    assert len(lessons) == 3
    skipped = [row for row in lessons if row[5] == "Skipped"]
    assert skipped[0][10] == "'=Trip"
    # Class-level data, no student named: one disclosure row naming the set.
    log_rows = AccessLog.objects.filter(what="export: sel")
    assert log_rows.count() == 1 and log_rows.get().student_id is None


def test_teacher_sel_export_holds_only_their_classes(
    run_export, teacher, class_a, class_a2, make_lesson, schedule, today, load_rows
):
    calm = make_lesson("calm")
    schedule(class_a, calm, dt.date(2026, 9, 2))
    schedule(class_a2, calm, dt.date(2026, 9, 2))
    sheets = load_rows(run_export(teacher, "sel"))
    assert [row[0] for row in sheets["Coverage by class"][1:]] == ["Advisory 7-A"]
    assert sheets["Coverage by school"][1:] == []  # a teacher's classes are not their school
    assert [row[1] for row in sheets["Lessons"][1:]] == ["Advisory 7-A"]
