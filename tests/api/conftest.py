"""Personas for the API: each signs in with its own integration token.

The eight callers every endpoint is tried as: teacher and counsellor of school A, the
counsellor of school B (the wrong school), school A's administrator, the district
administrator, school A's parent, school B's parent (the wrong family), and nobody.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from schoolwell.api.services import api_token_issue

PERSONAS = [
    "teacher",
    "counsellor",
    "other_counsellor",
    "school_admin",
    "district_admin",
    "parent",
    "other_parent",
    None,
]


def token_client(user, *, schools=(), days=30) -> APIClient:
    client = APIClient()
    if user is not None:
        _token, key = api_token_issue(user=user, name="tests", schools=schools, days=days)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def api_as(request):
    """api_as("counsellor") → a client sending that persona's token (None: no token)."""

    def _client(persona: str | None, **kwargs) -> APIClient:
        user = request.getfixturevalue(persona) if persona else None
        return token_client(user, **kwargs)

    return _client


def error_of(response) -> dict:
    """The one error body: {"error": {"code", "message", "fields"}}."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]


@pytest.fixture
def world(
    school_a, school_x, class_a, student_a, student_a2, student_b, student_x, counsellor, term
):
    """One of each object at school A, and the same at school X (another district)."""
    import datetime as dt

    from django.utils import timezone

    from schoolwell.reports.models import Export
    from schoolwell.roster.models import Class
    from schoolwell.sel.models import Competency, Lesson, LessonSchedule
    from tests.conftest import enroll
    from tests.consent.conftest import make_live_form
    from tests.referrals.conftest import open_referral
    from tests.support.conftest import make_plan

    now = timezone.now()
    today = timezone.localdate(now)
    class_x = Class.objects.create(school=school_x, term=term, title="Quillclass", grades="07")
    enroll(student_x, class_x)
    competency = Competency.objects.create(code="self_awareness", name={"en": "Self-awareness"})
    lesson = Lesson.objects.create(
        slug="feelings",
        title={"en": "Feelings"},
        grade_band="middle",
        primary_competency=competency,
        minutes=30,
    )
    referral_a, referral_x = open_referral(student_a, now=now), open_referral(student_x, now=now)
    export = Export.objects.create(
        requested_by=counsellor, kind="roster", expires_at=now + dt.timedelta(days=1)
    )
    return {
        "student_a": student_a,
        "student_x": student_x,
        "class_a": class_a,
        "class_x": class_x,
        "referral_a": referral_a,
        "referral_x": referral_x,
        "plan_a": make_plan(student_a, counsellor, referral=referral_a),
        "form_a": make_live_form(school_a),
        "form_x": make_live_form(school_x),
        "lesson": lesson,
        "schedule_a": LessonSchedule.objects.create(
            klass=class_a, lesson=lesson, planned_on=today, scheduled_by=counsellor
        ),
        "schedule_x": LessonSchedule.objects.create(
            klass=class_x, lesson=lesson, planned_on=today, scheduled_by=counsellor
        ),
        "export": export,
    }


@pytest.fixture
def colleague(school_a):
    """A second counsellor of school A."""
    from schoolwell.accounts.roles import Role
    from schoolwell.roster.services import school_staff_add
    from tests.conftest import make_user

    user = make_user("colleague")
    school_staff_add(school=school_a, user=user, role=Role.COUNSELLOR)
    return user


@pytest.fixture
def instruments(db):
    from schoolwell.screening.services import instrument_sync

    return {row.code: row for row in instrument_sync()}
