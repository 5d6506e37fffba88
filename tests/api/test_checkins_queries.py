"""Bulk check-in for a class: one request, the same number of queries for 5 students or
40; and list endpoints keep a constant query count as the data grows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schoolwell.screening.models import CheckIn
from tests.conftest import enroll, make_student

pytestmark = pytest.mark.django_db


def _class_of(school, term, teacher, size: int, title: str):
    from schoolwell.roster.models import Class
    from schoolwell.roster.services import class_set_teachers

    klass = Class.objects.create(school=school, term=term, title=title, grades="07")
    class_set_teachers(klass=klass, teachers=[teacher])
    students = [make_student(school, f"{title}-{i}") for i in range(size)]
    for student in students:
        enroll(student, klass)
    return klass, students


def _post(client, klass, students, shift: int = 0) -> int:
    body = {
        "entries": [
            {
                "student": s.pk,
                "wellbeing": 1 + (i + shift) % 5,
                "tags": [],
                "note": "ok" if i % 3 else "",
            }
            for i, s in enumerate(students)
        ]
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/api/v1/classes/{klass.pk}/checkins/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["saved"] == len(students)
    return len(queries.captured_queries)


def test_bulk_checkins_take_a_constant_number_of_queries(api_as, school_a, term, teacher):
    client = api_as("teacher")
    small, small_students = _class_of(school_a, term, teacher, 5, "Small")
    large, large_students = _class_of(school_a, term, teacher, 40, "Large")
    client.get("/api/v1/classes/")  # warm the token's scope cache like any later request
    few, many = _post(client, small, small_students), _post(client, large, large_students)
    assert many == few, (few, many)
    assert CheckIn.objects.count() == 45
    # A correction the same day: the same constant, with revisions kept.
    assert _post(client, large, large_students, 1) == _post(client, small, small_students, 1)


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("counsellor", "/api/v1/students/"),
        ("counsellor", "/api/v1/checkins/"),
        ("counsellor", "/api/v1/referrals/"),
        ("counsellor", "/api/v1/support-plans/"),
        ("school_admin", "/api/v1/consent/decisions/"),
        ("teacher", "/api/v1/sel/schedules/"),
    ],
)
def test_lists_take_a_constant_number_of_queries(api_as, world, persona, path, teacher):
    import datetime as dt

    from django.utils import timezone

    from schoolwell.screening.services import CheckInEntry, checkins_record
    from schoolwell.sel.models import LessonSchedule
    from tests.referrals.conftest import open_referral
    from tests.support.conftest import make_plan

    client = api_as(persona)

    def grow(n: int, tag: str, first_day: int):
        school, klass = world["student_a"].school, world["class_a"]
        today = timezone.localdate()
        for i in range(n):
            student = make_student(school, f"{tag}{i}")
            enroll(student, klass)
            checkins_record(
                klass=klass, teacher=teacher, date=today, entries=[CheckInEntry(student.pk, 3)]
            )
            referral = open_referral(student, now=timezone.now())
            make_plan(student, teacher_or_counsellor(), referral=referral)
            LessonSchedule.objects.create(
                klass=klass,
                lesson=world["lesson"],
                planned_on=today + dt.timedelta(days=first_day + i),
                scheduled_by=teacher,
            )

    def teacher_or_counsellor():
        from schoolwell.accounts.models import User

        return User.objects.get(username="counsellor")

    grow(2, "s", 1)
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    grow(15, "m", 10)
    with CaptureQueriesContext(connection) as many:
        assert client.get(path).status_code == 200
    assert len(many.captured_queries) <= len(few.captured_queries), path
