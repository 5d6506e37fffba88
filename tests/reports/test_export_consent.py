"""The consent status export agrees with consent.gating, student by student."""

import pytest
from django.core.exceptions import PermissionDenied

from schoolwell.consent.gating import effective_consent
from schoolwell.consent.models import Purpose
from schoolwell.reports.xlsx import excel_datetime
from tests.consent.conftest import decide, make_form


def test_consent_export_matches_the_gating_rules(
    run_export, school_admin, parent, student_a, student_a2, student_b, school_a, load_rows
):
    form = make_form(school_a, Purpose.UNIVERSAL_SCREENING)
    decision = decide(student_a, parent, form)
    export = run_export(school_admin, "consent")
    header, *rows = load_rows(export)["Consent"]
    assert header[:5] == ("Student ID", "Family name", "Given name", "Grade", "School")
    assert header[5:9] == (
        "Wellbeing screening: status",
        "Wellbeing screening: allowed",
        "Wellbeing screening: form version",
        "Wellbeing screening: decided",
    )
    by_id = {row[0]: row for row in rows}
    assert set(by_id) == {"A1", "A2"}  # never school B
    assert by_id["A1"][5:9] == ("Granted", True, 1, excel_datetime(decision.at))
    assert by_id["A2"][5:7] == ("No answer yet", False)
    assert by_id["A1"][9:11] == ("No consent form", False)  # counselling: no form this year
    for row, student in ((by_id["A1"], student_a), (by_id["A2"], student_a2)):
        assert row[6] == effective_consent(student, Purpose.UNIVERSAL_SCREENING).allowed


def test_teachers_cannot_export_consent(run_export, teacher, student_a):
    with pytest.raises(PermissionDenied):
        run_export(teacher, "consent")


def test_consent_export_streams_in_batches(
    run_export, counsellor, student_a, student_a2, load_rows, monkeypatch
):
    monkeypatch.setattr("schoolwell.reports.exports.consent.BATCH", 1)
    rows = load_rows(run_export(counsellor, "consent"))["Consent"][1:]
    assert sorted(row[0] for row in rows) == ["A1", "A2"]
