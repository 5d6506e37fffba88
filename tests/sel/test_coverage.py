"""Coverage figures against a small example worked out by hand (TODAY = Wed 14 Oct 2026)."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from schoolwell.roster.models import Class
from schoolwell.sel.models import DeliveryStatus
from schoolwell.sel.selectors import competencies, coverage_report, school_coverage
from tests.sel.conftest import TODAY, log

COVERAGE = reverse("sel:coverage")
TERM = (dt.date(2026, 8, 20), dt.date(2027, 6, 15))
SKIPPED = DeliveryStatus.SKIPPED


@pytest.fixture
def example(class_a, class_a2, class_b, make_lesson, schedule, today):
    calm = make_lesson("calm", codes=("self_management", "self_awareness"), minutes=30)
    listen = make_lesson("listen", codes=("relationship_skills",), minutes=40)
    choose = make_lesson(
        "choose", codes=("responsible_decision_making", "social_awareness"), minutes=20
    )
    d = dt.date
    # Class A: delivered 30 and 35 min, one skipped, one overdue, one due today, one ahead.
    log(schedule(class_a, calm, d(2026, 9, 2)), minutes=30)
    log(schedule(class_a, listen, d(2026, 9, 9)), minutes=35)
    log(schedule(class_a, choose, d(2026, 9, 16)), status=SKIPPED, reason="Assembly")
    schedule(class_a, calm, d(2026, 10, 7))
    schedule(class_a, listen, d(2026, 10, 14))
    schedule(class_a, choose, d(2026, 10, 21))
    # Class A2: one delivered, one planned ahead but already delivered; one before the term.
    log(schedule(class_a2, choose, d(2026, 9, 3)), minutes=20)
    early = schedule(class_a2, listen, d(2026, 10, 20))
    log(early, minutes=40)
    log(schedule(class_a2, calm, d(2026, 8, 10)), minutes=30)
    # Class B (school B): one skipped.
    log(schedule(class_b, calm, d(2026, 9, 1)), status=SKIPPED, reason="Field trip")


def figures(row):
    return {
        "scheduled": row.scheduled,
        "due": row.due,
        "delivered": row.delivered,
        "skipped": row.skipped,
        "overdue": row.overdue,
        "minutes": row.minutes,
        "per_competency": row.minutes_per_competency,
        "untouched": [c.code for c in row.untouched],
    }


# Competency order: self-awareness, self-management, social awareness, relationship skills,
# responsible decision-making.
CLASS_A = {
    "scheduled": 6,
    "due": 5,  # 2 Sep, 9 Sep, 16 Sep, 7 Oct, 14 Oct (today)
    "delivered": 2,
    "skipped": 1,
    "overdue": 1,  # 7 Oct; today's lesson is not overdue yet
    "minutes": 65,
    "per_competency": [30, 30, 0, 35, 0],
    "untouched": ["social_awareness", "responsible_decision_making"],
}
CLASS_A2 = {
    "scheduled": 2,  # 10 Aug is before the term
    "due": 2,  # the lesson planned for 20 Oct was already logged
    "delivered": 2,
    "skipped": 0,
    "overdue": 0,
    "minutes": 60,
    "per_competency": [0, 0, 20, 40, 20],
    "untouched": ["self_awareness", "self_management"],
}
CLASS_B = {
    "scheduled": 1,
    "due": 1,
    "delivered": 0,
    "skipped": 1,
    "overdue": 0,
    "minutes": 0,
    "per_competency": [0, 0, 0, 0, 0],
    "untouched": [
        "self_awareness",
        "self_management",
        "social_awareness",
        "relationship_skills",
        "responsible_decision_making",
    ],
}
SCHOOL_A = {
    "scheduled": 8,
    "due": 7,
    "delivered": 4,
    "skipped": 1,
    "overdue": 1,
    "minutes": 125,
    "per_competency": [30, 30, 20, 75, 20],
    "untouched": [],
}


def report_for(user):
    return coverage_report(user=user, start=TERM[0], end=TERM[1], today=TODAY)


def test_class_figures(teacher, example):
    report = report_for(teacher)
    assert [row.label for row in report.classes] == ["Advisory 7-A"]
    (row,) = report.classes
    assert figures(row) == CLASS_A
    assert row.delivery_rate == pytest.approx(2 / 5)
    assert row.behind_plan
    # A teacher's classes are not their school: no school or district totals.
    assert report.schools == [] and report.districts == []


@pytest.mark.parametrize("persona", ["counsellor", "school_admin"])
def test_school_figures(request, persona, example):
    report = report_for(request.getfixturevalue(persona))
    assert [figures(row) for row in report.classes] == [CLASS_A, CLASS_A2]
    (school,) = report.schools
    assert figures(school) == SCHOOL_A
    assert school.delivery_rate == pytest.approx(4 / 7)
    assert school.classes_behind == 1
    assert report.districts == []


def test_district_figures(district_admin, example):
    report = report_for(district_admin)
    assert [figures(row) for row in report.classes] == [CLASS_A, CLASS_A2, CLASS_B]
    assert [s.label for s in report.schools] == ["School A", "School B"]
    (district,) = report.districts
    assert figures(district) == {
        "scheduled": 9,
        "due": 8,
        "delivered": 4,
        "skipped": 2,
        "overdue": 1,
        "minutes": 125,
        "per_competency": [30, 30, 20, 75, 20],
        "untouched": [],
    }
    assert district.delivery_rate == pytest.approx(0.5)


def test_other_schools_counsellor_sees_only_their_school(other_counsellor, example):
    report = report_for(other_counsellor)
    assert [figures(row) for row in report.classes] == [CLASS_B]
    assert [s.label for s in report.schools] == ["School B"]


def test_the_page_shows_the_table_and_chart_data(client_for, school_admin, example):
    response = client_for(school_admin).get(COVERAGE)
    assert response.status_code == 200
    assert (response.context["report"].start, response.context["report"].end) == TERM
    html = response.content.decode()
    assert "Behind plan" in html and "40%" in html and "57%" in html
    # Figures travel as JSON data blocks (never executed; CSP allows no inline script),
    # drawn by the shared Reports chart helper.
    assert '<script id="competency-chart" type="application/json">' in html
    assert 'data-figure="status-chart"' in html
    status = response.context["status_chart"].figure
    delivered = next(t for t in status["data"] if t["name"] == "Delivered")
    assert list(delivered["y"]) == ["Advisory 7-A", "Advisory 7-B"]
    assert list(delivered["x"]) == [2, 2]
    minutes = response.context["competency_chart"].figure
    assert [t["name"] for t in minutes["data"]] == ["Advisory 7-A", "Advisory 7-B"]
    assert list(minutes["data"][0]["y"]) == [30, 30, 0, 35, 0]
    assert json.loads(json.dumps(minutes))  # plain JSON


EXTERNAL = re.compile(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", re.I)


def test_the_charts_come_from_the_shared_helper_with_no_external_hosts(
    client_for, school_admin, example
):
    html = client_for(school_admin).get(COVERAGE).content.decode()
    # Addresses only: a random CSRF token may spell "cdn".
    addresses = re.findall(r'\b(?:src|href)="([^"]*)"', html)
    assert not EXTERNAL.search(html) and not any("cdn" in a.lower() for a in addresses)
    scripts = re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
    assert "/static/reports/vendor/plotly.min.js" in scripts
    assert "/static/reports/charts.js" in scripts
    assert all(src.startswith("/static/") for src in scripts)
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))[^>]*>", html)
    assert ' style="' not in html and "onclick" not in html
    assert 'href="/static/reports/vendor/plotly.css"' in html


def test_a_custom_period(client_for, school_admin, example):
    response = client_for(school_admin).get(COVERAGE, {"start": "2026-08-01", "end": "2026-08-31"})
    rows = response.context["report"].classes
    assert [(r.label, r.scheduled, r.delivered, r.minutes) for r in rows] == [
        ("Advisory 7-A", 0, 0, 0),
        ("Advisory 7-B", 1, 1, 30),
    ]


@pytest.mark.parametrize(
    "query", [{"start": "yesterday"}, {"start": "2026-10-01", "end": "2026-09-01"}]
)
def test_bad_periods_are_a_400(client_for, school_admin, query):
    assert client_for(school_admin).get(COVERAGE, query).status_code == 400


@pytest.mark.parametrize("persona", ["parent", "other_parent", "outsider"])
def test_parents_and_outsiders_get_no_coverage(client_for, request, example, persona):
    assert client_for(request.getfixturevalue(persona)).get(COVERAGE).status_code == 403


@pytest.mark.parametrize("classes", [1, 12])
def test_coverage_query_count_is_constant(
    client_for,
    school_admin,
    school_a,
    term,
    make_lesson,
    schedule,
    today,
    classes,
    django_assert_max_num_queries,
):
    lessons = [
        make_lesson("a", codes=("self_awareness", "self_management")),
        make_lesson("b", codes=("relationship_skills",)),
    ]
    for n in range(classes):
        klass = Class.objects.create(school=school_a, term=term, title=f"Class {n:02d}")
        for week in range(6):
            s = schedule(klass, lessons[week % 2], dt.date(2026, 9, 7) + dt.timedelta(weeks=week))
            if week % 3:
                log(s)
    client = client_for(school_admin)
    with django_assert_max_num_queries(13):
        response = client.get(COVERAGE)
    # + class_a, which the `schedule` fixture's teacher brings along.
    assert len(response.context["report"].classes) == classes + 1
    # Both charts are built and rendered within that budget (many classes: a heatmap).
    html = response.content.decode()
    assert 'id="status-chart"' in html and 'id="competency-chart"' in html
    traces = response.context["competency_chart"].figure["data"]
    assert [t["type"] for t in traces] == (["heatmap"] if classes > 6 else ["bar"] * 2)


# `school_coverage` (the dashboards' school totals, added up by the database) equals
# `coverage_report`'s school rows (added up class by class).


def _totals(rows) -> list[tuple]:
    return [
        (row.label, row.obj.pk, row.classes_behind, row.delivery_rate, figures(row)) for row in rows
    ]


def _school_rows(user, school_ids, start=TERM[0], end=TERM[1], today=TODAY):
    rows = school_coverage(user=user, school_ids=school_ids, start=start, end=end, today=today)
    for row in rows:
        row.set_competencies(competencies())
    return rows


@pytest.mark.parametrize("persona", ["counsellor", "school_admin", "district_admin"])
@pytest.mark.parametrize("today", [TODAY, dt.date(2026, 9, 10), dt.date(2027, 1, 4)])
def test_school_totals_equal_the_coverage_report(request, persona, today, example, school_a):
    user = request.getfixturevalue(persona)
    report = coverage_report(user=user, start=TERM[0], end=TERM[1], today=today)
    every = {row.obj.pk for row in report.schools} | {school_a.pk}
    assert report.schools
    assert _totals(_school_rows(user, every, today=today)) == _totals(report.schools)


def test_only_the_asked_schools_the_user_sees_whole(
    district_admin, teacher, school_a, school_b, example
):
    (row,) = _school_rows(district_admin, {school_a.pk})
    assert (row.label, figures(row), row.classes_behind) == ("School A", SCHOOL_A, 1)
    # A teacher's classes are not their school: no school totals.
    assert _school_rows(teacher, {school_a.pk, school_b.pk}) == []


def test_two_queries_whatever_the_number_of_classes(
    district_admin, school_a, school_b, example, django_assert_num_queries
):
    from schoolwell.accounts import gate

    gate.scope_of(district_admin)
    with django_assert_num_queries(2):
        school_coverage(
            user=district_admin,
            school_ids={school_a.pk, school_b.pk},
            start=TERM[0],
            end=TERM[1],
            today=TODAY,
        )
