"""/api/v1/student-checkins/: students' own check-ins, for the counsellors of their school
only; each listed student's disclosure record names the read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from schoolwell.audit.models import AccessLog
from schoolwell.consent.models import Decision, Policy, Purpose
from schoolwell.voice.models import Channel, StudentCheckIn
from tests.api.conftest import PERSONAS, error_of
from tests.conftest import make_student
from tests.consent.conftest import decide, make_live_form
from tests.voice.conftest import NOW, record

pytestmark = pytest.mark.django_db
URL = "/api/v1/student-checkins/"
DAY = dt.timedelta(days=1)


def _own_checkin(student, day, **values) -> StudentCheckIn:
    return StudentCheckIn.objects.create(
        school=student.school,
        student=student,
        date=day,
        feeling=values.pop("feeling", "okay"),
        channel=Channel.LINK,
        created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
        **values,
    )


@pytest.fixture
def consented(school_a, student_a, parent):
    """student_a, whose parent granted the check-in (active consent)."""
    form = make_live_form(
        school_a, Purpose.STUDENT_CHECKIN, policy=Policy.ACTIVE, published_at=NOW - 30 * DAY
    )
    decide(student_a, parent, form, Decision.GRANTED, at=NOW - 20 * DAY)
    return student_a


@pytest.fixture
def checkins(consented, student_b):
    mine = record(
        consented, feeling="sad", message="Quillfeather worries", wants_to_talk="today"
    ).checkin
    # A correction the same day: the first answer is kept but no longer current.
    corrected = record(consented, feeling="okay", now=NOW + dt.timedelta(minutes=5)).checkin
    theirs = _own_checkin(student_b, NOW.date(), message="School B's message")
    return mine, corrected, theirs


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_schools_counsellors_read_students_own_checkins(api_as, persona, checkins):
    _first, corrected, theirs = checkins
    response = api_as(persona).get(URL)
    if persona is None:
        assert response.status_code == 401
        return
    if persona not in {"counsellor", "other_counsellor"}:
        # Teachers, administrators and parents: not through the API.
        assert response.status_code == 403, response.content
        assert error_of(response)["code"] == "permission_denied"
        assert AccessLog.objects.filter(what="student check-ins (API)").count() == 0
        return
    assert response.status_code == 200
    rows = response.json()["results"]
    expected = corrected if persona == "counsellor" else theirs
    assert [row["id"] for row in rows] == [expected.pk]
    assert rows[0]["message"] == expected.message
    # The read is in that student's disclosure record, and nobody else's.
    logged = AccessLog.objects.filter(what="student check-ins (API)")
    assert list(logged.values_list("student_id", flat=True)) == [expected.student_id]


def test_filters_by_student_date_and_wants_to_talk(api_as, consented, student_a2):
    asks = _own_checkin(consented, NOW.date(), wants_to_talk="today")
    _own_checkin(consented, NOW.date() - dt.timedelta(days=1))
    _own_checkin(student_a2, NOW.date())
    client = api_as("counsellor")
    rows = client.get(URL, {"wants_to_talk": "today"}).json()["results"]
    assert [row["id"] for row in rows] == [asks.pk]
    rows = client.get(URL, {"student": student_a2.pk}).json()["results"]
    assert {row["student"] for row in rows} == {student_a2.pk}
    rows = client.get(URL, {"date_to": str(NOW.date() - dt.timedelta(days=1))}).json()["results"]
    assert len(rows) == 1
    bad = client.get(URL, {"wants_to_talk": "always", "student": "99999999999999999999999"})
    assert bad.status_code == 400
    assert set(error_of(bad)["fields"]) == {"wants_to_talk", "student"}


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_list_takes_a_constant_number_of_queries(api_as, school_a):
    client = api_as("counsellor")
    students = [make_student(school_a, f"V{i}") for i in range(30)]
    for student in students[:3]:
        _own_checkin(student, NOW.date())
    _queries(client)  # the token's first use: its scope is read and cached, last use stamped
    small = _queries(client)
    for student in students[3:]:
        _own_checkin(student, NOW.date())
    assert _queries(client) == small
