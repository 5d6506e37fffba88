"""The teacher-rated grid: drafts survive a sign-out, one request stores the class,
constant queries, consent gates every row (rule 2), bad answers store nothing."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolwell.screening.models import GridDraft, ScreeningResult
from tests.conftest import enroll, make_student
from tests.screening.conftest import decide_screening

SRSS_ITEMS = [
    "steal", "lie-cheat-sneak", "behavior-problem", "peer-rejection",
    "low-academic-achievement", "negative-attitude", "aggressive-behavior",
    "emotionally-flat", "shy-withdrawn", "sad-depressed", "anxious", "lonely",
]  # fmt: skip


def grid_url(window, klass, name="screening:grid"):
    return reverse(name, args=[window.pk, klass.pk])


def row(student, value=1):
    return {f"a-{student.pk}-{item}": str(value) for item in SRSS_ITEMS}


def test_submit_stores_every_rated_row_scored_with_its_grade(
    client_for, teacher, class_a, student_a, srss_window
):
    second = make_student(class_a.school, "A9", grade=7)
    enroll(second, class_a)
    blank = make_student(class_a.school, "A10", grade=7)
    enroll(blank, class_a)
    decide_screening([student_a, second, blank])
    response = client_for(teacher).post(
        grid_url(srss_window, class_a), row(student_a, 1) | row(second, 3)
    )
    assert response.status_code == 302
    results = {r.student_id: r for r in ScreeningResult.objects.all()}
    assert set(results) == {student_a.pk, second.pk}  # the blank row stays due
    first = results[student_a.pk]
    # Grade 7: E7 and the secondary internalizing version I6 (rule 1: exact scoring).
    assert first.subscales["E7"] == {
        "score": 7,
        "band": {"key": "moderate", "label": "Moderate risk"},
    }
    assert first.subscales["I6"]["score"] == 6
    assert first.instrument.code == "srss-ie" and first.window == srss_window
    assert first.respondent == "teacher" and first.administered_by == teacher
    assert first.consent_state == "granted"
    assert results[second.pk].subscales["E7"]["band"]["key"] == "high"


def test_a_student_without_consent_is_refused_and_nothing_is_stored(
    client_for, teacher, class_a, student_a, srss_window
):
    refused = make_student(class_a.school, "A11", grade=7)
    enroll(refused, class_a)
    decide_screening([student_a])  # `refused` has no guardian decision: active policy says no
    client = client_for(teacher)
    page = client.get(grid_url(srss_window, class_a)).content.decode()
    assert "no consent" in page and f'name="a-{refused.pk}-steal"' not in page
    response = client.post(grid_url(srss_window, class_a), row(student_a) | row(refused))
    assert response.status_code == 400
    assert "No screening consent in effect" in response.content.decode()
    assert not ScreeningResult.objects.exists()


@pytest.mark.parametrize("bad", ["4", "-1", "often"])
def test_out_of_range_answer_is_a_400_and_nothing_is_stored(
    client_for, teacher, class_a, student_a, srss_window, bad
):
    decide_screening([student_a])
    data = row(student_a) | {f"a-{student_a.pk}-lonely": bad}
    response = client_for(teacher).post(grid_url(srss_window, class_a), data)
    assert response.status_code == 400
    assert "lonely" in response.content.decode()
    assert not ScreeningResult.objects.exists()


def test_a_student_is_rated_once_per_window(client_for, teacher, class_a, student_a, srss_window):
    decide_screening([student_a])
    client = client_for(teacher)
    assert client.post(grid_url(srss_window, class_a), row(student_a)).status_code == 302
    response = client.post(grid_url(srss_window, class_a), row(student_a, 2))
    assert response.status_code == 400 and "already rated" in response.content.decode()
    assert ScreeningResult.objects.count() == 1


def test_draft_survives_sign_out_and_is_cleared_on_submit(
    client, client_for, teacher, class_a, student_a, srss_window
):
    decide_screening([student_a])
    client = client_for(teacher)
    draft = {str(student_a.pk): {"steal": "2", "lonely": "3"}}
    response = client.post(
        grid_url(srss_window, class_a, "screening:grid_draft"),
        json.dumps({"answers": draft}),
        content_type="application/json",
    )
    assert response.status_code == 200 and "saved_at" in response.json()
    client.post(reverse("logout"))
    assert client.get(grid_url(srss_window, class_a)).status_code == 302  # signed out
    client.force_login(teacher)
    page = client.get(grid_url(srss_window, class_a)).content.decode()
    assert '<option value="2" title="Sometimes" selected>2<' in page
    assert '<option value="3" title="Frequently" selected>3<' in page
    client.post(grid_url(srss_window, class_a), row(student_a))
    assert not GridDraft.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps({"answers": []}),
        json.dumps({"answers": {"999999": {"steal": "1"}}}),
        json.dumps({"answers": {"{a}": {"steal": "9"}}}),
        json.dumps({"answers": {"{a}": {"no-such-item": "1"}}}),
        "[" * 1100,  # was a RecursionError (a 500)
        '{"answers": ' + "[" * 5000 + "]" * 5000 + "}",
    ],
)
def test_bad_drafts_are_a_400_and_change_nothing(
    client_for, teacher, class_a, student_a, srss_window, body
):
    response = client_for(teacher).post(
        grid_url(srss_window, class_a, "screening:grid_draft"),
        body.replace("{a}", str(student_a.pk)),
        content_type="application/json",
    )
    assert response.status_code == 400 and "error" in response.json()
    assert not GridDraft.objects.exists()


@pytest.mark.parametrize(
    "persona",
    ["other_teacher", "counsellor", "school_admin", "district_admin", "parent", "outsider"],
)
def test_only_the_class_teachers_rate(
    request, client_for, class_a, student_a, srss_window, persona
):
    decide_screening([student_a])
    client = client_for(request.getfixturevalue(persona))
    assert client.get(grid_url(srss_window, class_a)).status_code == 404
    assert client.post(grid_url(srss_window, class_a), row(student_a)).status_code == 404
    draft = client.post(
        grid_url(srss_window, class_a, "screening:grid_draft"),
        json.dumps({"answers": {}}),
        content_type="application/json",
    )
    assert draft.status_code == 404
    assert not ScreeningResult.objects.exists() and not GridDraft.objects.exists()


def test_no_grid_for_a_self_report_window(client_for, teacher, class_a, phqa_window):
    assert client_for(teacher).get(grid_url(phqa_window, class_a)).status_code == 404


def test_submit_queries_are_the_same_for_30_and_60_students(
    client_for, teacher, other_teacher, school_a, class_a, class_a2, srss_window
):
    counts = []
    for user, klass, n in ((teacher, class_a, 30), (other_teacher, class_a2, 60)):
        students = [make_student(school_a, f"{klass.pk}-{i}", grade=7) for i in range(n)]
        for student in students:
            enroll(student, klass)
        decide_screening(students)
        data = {}
        for student in students:
            data |= row(student, 1)
        client = client_for(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.post(grid_url(srss_window, klass), data).status_code == 302
        sql = [q["sql"] for q in queries.captured_queries]
        inserts = [q for q in sql if q.startswith('INSERT INTO "screening_screeningresult"')]
        # One bulk INSERT (SQLite splits it at its 999-parameter limit: ~50 rows a batch).
        assert len(inserts) <= -(-n // 50)
        counts.append(len(sql) - len(inserts))
    assert counts[0] == counts[1]
    assert ScreeningResult.objects.count() == 90
