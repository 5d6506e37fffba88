"""Dashboards: who may open them, constant queries, nothing loaded from another host."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.conftest import enroll, make_student, make_user

HOME = reverse("reports:home")
DISTRICT = reverse("reports:district")
TEACHER = reverse("reports:teacher")


def school_url(school):
    return reverse("reports:school", args=[school.pk])


def add_students(school, klass, n, start=0):
    for i in range(start, start + n):
        student = make_student(
            school, f"S{i}", grade=3 + i % 10, preferred_language="es" if i % 3 else "en"
        )
        enroll(student, klass)


def test_school_admin_sees_their_school_not_another(client_for, school_admin, school_a, school_b):
    client = client_for(school_admin)
    assert client.get(school_url(school_a)).status_code == 200
    assert client.get(school_url(school_b)).status_code == 404
    assert client.get(reverse("reports:school", args=[99999])).status_code == 404
    assert client.get(DISTRICT).status_code == 403


def test_district_admin_sees_every_school_and_the_district(
    client_for, district_admin, school_a, school_b, school_x
):
    client = client_for(district_admin)
    assert client.get(school_url(school_a)).status_code == 200
    assert client.get(school_url(school_b)).status_code == 200
    assert client.get(school_url(school_x)).status_code == 404  # another district
    assert client.get(DISTRICT).status_code == 200


def test_a_district_with_no_schools_yet_has_a_dashboard(client_for, district):
    """A new district (nothing imported yet) has no students: the consent counts' query is
    empty, which the compiled-SQL path must answer with an empty table, not a 500."""
    from schoolwell.roster.models import District
    from schoolwell.roster.services import district_admin_add

    empty = District.objects.create(name="New District", code="new-district")
    admin = make_user("new_district_admin")
    district_admin_add(district=empty, user=admin)
    response = client_for(admin).get(DISTRICT)
    assert response.status_code == 200


def test_other_roles_are_refused(client_for, teacher, counsellor, parent, outsider, school_a):
    for user in (teacher, counsellor, parent, outsider):
        client = client_for(user)
        assert client.get(school_url(school_a)).status_code == 404, user
        assert client.get(DISTRICT).status_code == 403, user
    for user in (parent, outsider):
        assert client_for(user).get(HOME).status_code == 403
    for user in (counsellor, parent, outsider):
        assert client_for(user).get(TEACHER).status_code == 403


def test_teacher_dashboard_is_for_teachers(client_for, teacher, class_a):
    response = client_for(teacher).get(TEACHER)
    assert response.status_code == 200
    assert class_a.title in response.content.decode()


def test_district_view_suppresses_small_cells(client_for, district_admin, school_a, class_a):
    add_students(school_a, class_a, 12)
    response = client_for(district_admin).get(DISTRICT)
    sections = {s.key: s for s in response.context["sections"]}
    assert sections["school-grade"].table.any_suppressed  # 12 students over 10 grades
    html = response.content.decode()
    assert "&lt;10" in html and "fewer than 10 students" in html


def test_school_view_is_not_suppressed_for_its_own_admin(
    client_for, school_admin, school_a, class_a
):
    add_students(school_a, class_a, 12)
    response = client_for(school_admin).get(school_url(school_a))
    # Its own counts are not suppressed; the equity views always are (rule 7).
    sections = [
        s for s in response.context["sections"] if s.table and not s.key.startswith("equity")
    ]
    assert sections and not any(s.table.any_suppressed for s in sections)


@pytest.mark.parametrize("view", ["school", "district", "teacher"])
def test_dashboards_run_a_constant_number_of_queries(
    view,
    client_for,
    school_admin,
    district_admin,
    teacher,
    school_a,
    class_a,
    django_assert_max_num_queries,
):
    user = {"school": school_admin, "district": district_admin, "teacher": teacher}[view]
    url = {"school": school_url(school_a), "district": DISTRICT, "teacher": TEACHER}[view]
    client = client_for(user)
    add_students(school_a, class_a, 5)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add_students(school_a, class_a, 30, start=5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


EXTERNAL = re.compile(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", re.I)


@pytest.mark.parametrize("view", ["school", "district", "teacher", "exports"])
def test_no_external_hosts_in_pages_or_our_scripts(
    view, client_for, school_admin, district_admin, teacher, school_a, student_a
):
    user = {
        "school": school_admin,
        "district": district_admin,
        "teacher": teacher,
        "exports": school_admin,
    }[view]
    url = {
        "school": school_url(school_a),
        "district": DISTRICT,
        "teacher": TEACHER,
        "exports": reverse("reports:export_list"),
    }[view]
    html = client_for(user).get(url).content.decode()
    assert not EXTERNAL.search(html)
    # Addresses only: a random CSRF token may spell "cdn".
    addresses = re.findall(r'\b(?:src|href)="([^"]*)"', html)
    assert not any("cdn" in address.lower() for address in addresses)
    scripts = re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
    assert scripts and all(src.startswith("/static/") for src in scripts)
    assert not re.search(
        r"<script(?![^>]*\b(src|type=\"application/json\"))[^>]*>", html
    )  # no inline
    assert ' style="' not in html and "onclick" not in html
    if view != "exports":
        assert "/static/reports/vendor/plotly.min.js" in scripts
    for name in ("reports/charts.js", "reports/exports.js"):
        with open(finders.find(name), encoding="utf-8") as fh:
            source = fh.read()
        assert "http://" not in source and "https://" not in source and "cdn" not in source.lower()


def test_teacher_sees_trends_and_who_is_not_checked_in(
    client_for, teacher, other_teacher, class_a, student_a, school_a
):
    import datetime as dt

    from django.utils import timezone

    from schoolwell.screening.models import CheckIn

    other = make_student(school_a, "A9", given_name="Noor", family_name="Later")
    enroll(other, class_a)
    today = timezone.localdate()
    CheckIn.objects.create(
        student=student_a, teacher=teacher, klass=class_a, date=today, wellbeing=4
    )
    CheckIn.objects.create(
        student=student_a,
        teacher=teacher,
        klass=class_a,
        date=today - dt.timedelta(days=7),
        wellbeing=2,
    )
    # A colleague's check-in does not count as the teacher's own.
    CheckIn.objects.create(
        student=other, teacher=other_teacher, klass=class_a, date=today, wellbeing=5
    )
    response = client_for(teacher).get(TEACHER)
    missing = dict(
        (k.pk, [s.local_id for s in students]) for k, students in response.context["missing"]
    )
    assert missing == {class_a.pk: ["A9"]}
    trend = response.context["sections"][0].chart.figure["data"][0]
    assert trend["name"] == "Advisory 7-A"
    assert sorted(v for v in trend["y"] if v is not None) == [2.0, 4.0]
    assert "Noor Later" in response.content.decode()


def test_navigation_per_role(client_for, teacher, counsellor, school_admin, parent):
    from django.urls import reverse as url

    def links(user):
        return client_for(user).get(url("home")).content.decode()

    assert url("reports:home") in links(school_admin)
    assert url("reports:export_list") in links(counsellor)
    assert url("reports:teacher") in links(teacher)
    parent_page = links(parent)
    assert "/reports/" not in parent_page


def test_the_plotly_template_travels_once_per_page(client_for, district_admin, school_a, class_a):
    """Figures leave plotly's 7 KB default template out; the page carries it once and
    charts.js hands it to every figure."""
    import json

    add_students(school_a, class_a, 12)
    html = client_for(district_admin).get(DISTRICT).content.decode()
    blocks = dict(
        re.findall(r'<script id="([^"]+)" type="application/json">(.*?)</script>', html, re.S)
    )
    shared = json.loads(blocks.pop("plotly-template"))
    assert "layout" in shared and "data" in shared  # plotly's template: defaults per trace type
    figures = [json.loads(block) for block in blocks.values()]
    assert len(figures) > 5
    assert not any("template" in figure["layout"] for figure in figures)
    with open(finders.find("reports/charts.js")) as script:
        assert 'getElementById("plotly-template")' in script.read()
