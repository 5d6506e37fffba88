"""The counsellor's student timeline panel on the student page."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.audit.models import AccessLog
from schoolwell.screening.models import CheckIn
from schoolwell.screening.services import screening_result_record
from tests.screening.conftest import answers_with_total, decide_screening


def page(student):
    return reverse("roster:student_detail", args=[student.pk])


def add_checkins(student, teacher, klass, n):
    today = timezone.localdate()
    CheckIn.objects.bulk_create(
        CheckIn(
            student=student,
            teacher=teacher,
            klass=klass,
            date=today - dt.timedelta(days=i),
            wellbeing=1 + i % 5,
        )
        for i in range(n)
    )


def figure(response):
    html = response.content.decode()
    block = re.search(
        r'<script id="chart-student-timeline" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(block.group(1)) if block else None


@pytest.fixture
def history(instruments, phqa_window, counsellor, teacher, student_a, class_a):
    decide_screening([student_a])
    phqa = instruments["phq-a"]
    screening_result_record(
        student=student_a,
        instrument=phqa,
        window=phqa_window,
        by=counsellor,
        answers=answers_with_total(phqa.definition, ["q1", "q2", "q3", "q4"], 11),
    )
    add_checkins(student_a, teacher, class_a, 5)


def test_counsellor_sees_scores_band_lines_and_checkins(client_for, counsellor, student_a, history):
    response = client_for(counsellor).get(page(student_a))
    assert response.status_code == 200
    fig = figure(response)
    names = [trace.get("name") for trace in fig["data"]]
    assert "PHQ-A" in names and "Check-in wellbeing (1–5)" in names
    phqa = next(t for t in fig["data"] if t.get("name") == "PHQ-A")
    assert phqa["y"] == [11]
    # Band lines at each band's lower bound after the first (PHQ-A: 5, 10, 15, 20).
    lines = sorted(s["y0"] for s in fig["layout"]["shapes"] if s.get("y0") == s.get("y1"))
    assert lines == [5, 10, 15, 20]
    assert AccessLog.objects.filter(
        user=counsellor, student=student_a, what="timeline chart"
    ).exists()


@pytest.mark.parametrize("who", ["teacher", "school_admin", "district_admin", "other_counsellor"])
def test_nobody_else_gets_the_panel(request, client_for, who, student_a, history):
    user = request.getfixturevalue(who)
    response = client_for(user).get(page(student_a))
    assert response.status_code in (200, 404)
    assert figure(response) is None
    assert not AccessLog.objects.filter(what="timeline chart").exists()


def test_panel_queries_do_not_grow_with_history(
    client_for, counsellor, teacher, student_a, class_a, history, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(counsellor)
    client.get(page(student_a))
    with CaptureQueriesContext(connection) as few:
        client.get(page(student_a))
    CheckIn.objects.filter(student=student_a).delete()
    add_checkins(student_a, teacher, class_a, 120)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(page(student_a))
    assert (
        len(
            next(
                t for t in figure(response)["data"] if t.get("name") == "Check-in wellbeing (1–5)"
            )["x"]
        )
        == 120
    )


def test_a_year_of_events_draws_in_linear_time():
    # plotly's add_vline re-validated every shape per call: 300 events took ten minutes.
    import time

    from schoolwell.reports import charts

    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    events = [(start + dt.timedelta(days=i), "event") for i in range(365)]
    began = time.process_time()
    chart = charts.student_timeline(
        "chart",
        "Timeline",
        checkins=[(start.date(), 3, False)],
        scores={},
        band_lines=[],
        events=events,
        labels={"scores": "s", "wellbeing": "w", "absent": "a", "events": "e"},
    )
    assert time.process_time() - began < 20
    lines = [s for s in chart.figure["layout"]["shapes"] if s["x0"] == s["x1"]]
    assert len(lines) == 365 and {s["yref"] for s in lines} == {"y2 domain"}


def test_a_student_with_subscale_scores_only_gets_points(
    client_for, counsellor, teacher, student_a, instruments, srss_window
):
    """Issue 12: the scores chart was empty for a student whose screener has subscales and no
    total (SRSS-IE, the teacher-rated one most students have): each subscale is a series."""
    decide_screening([student_a])
    srss = instruments["srss-ie"]
    answers = answers_with_total(srss.definition, ["sad-depressed", "lonely"], 5)
    answers["steal"] = 2
    screening_result_record(
        student=student_a, instrument=srss, window=srss_window, by=teacher, answers=answers
    )
    fig = figure(client_for(counsellor).get(page(student_a)))
    scores = [t for t in fig["data"] if t.get("xaxis") == "x" and t.get("y")]
    by_name = {t["name"]: t["y"] for t in scores}
    assert set(by_name) == {"SRSS-E7 externalizing", "SRSS-I6 internalizing (grades 6–12)"}
    assert by_name["SRSS-I6 internalizing (grades 6–12)"] == [5]
    assert by_name["SRSS-E7 externalizing"] == [2]
    assert all(len(t["x"]) == len(t["y"]) == 1 for t in scores)
    # In Spanish the series are named in Spanish, with the band in the reader's language.
    spanish = client_for(counsellor)
    spanish.cookies["django_language"] = "es"
    fig = figure(spanish.get(page(student_a), HTTP_ACCEPT_LANGUAGE="es"))
    names = {t["name"] for t in fig["data"] if t.get("xaxis") == "x" and t.get("y")}
    assert "SRSS-E7 externalizante" in names
