"""Screening fixtures on top of the shared personas (tests/conftest.py)."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from schoolwell.accounts.models import User
from schoolwell.consent.gating import school_year_on
from schoolwell.consent.models import (
    Channel,
    ConsentDecision,
    ConsentForm,
    Decision,
    Policy,
    Purpose,
)
from schoolwell.roster.models import AcademicTerm
from schoolwell.roster.services import guardian_link_set
from schoolwell.screening import instruments as instrument_defs
from schoolwell.screening.models import ScreeningWindow
from schoolwell.screening.services import concern_tags_sync, instrument_sync


@pytest.fixture(scope="session")
def shipped() -> dict[str, dict]:
    """Every shipped instrument definition, loaded and validated once."""
    return instrument_defs.load_all()


def answers_with_total(definition: dict, item_ids: list[str], target: int) -> dict:
    """All required items at their lowest value, then `target` spread over `item_ids`."""
    options = instrument_defs.options_by_item(definition)
    answers = {
        item["id"]: min(o["value"] for o in options[item["id"]])
        for item in definition["items"]
        if item["required"]
    }
    remaining = target - sum(answers[item_id] for item_id in item_ids)
    for item_id in item_ids:
        top = max(o["value"] for o in options[item_id])
        step = min(top - answers[item_id], remaining)
        answers[item_id] += step
        remaining -= step
    assert remaining == 0, f"{target} is out of reach for {item_ids}"
    return answers


@pytest.fixture(name="with_total")
def with_total_fixture():
    return answers_with_total


@pytest.fixture
def instruments(db):
    """Every shipped instrument loaded as it would be in production, by code."""
    return {row.code: row for row in instrument_sync()}


@pytest.fixture
def concern_tags(db):
    concern_tags_sync()


def open_window(school, instrument, *, by, grades=(6, 7, 8, 9), name="Fall"):
    today = timezone.localdate()
    return ScreeningWindow.objects.create(
        school=school,
        instrument=instrument,
        name=name,
        grades=list(grades),
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=10),
        created_by=by,
    )


@pytest.fixture
def srss_window(instruments, school_a, school_admin):
    return open_window(school_a, instruments["srss-ie"], by=school_admin)


@pytest.fixture
def phqa_window(instruments, school_a, school_admin):
    return open_window(school_a, instruments["phq-a"], by=school_admin, name="Fall PHQ-A")


_guardians = itertools.count()


def screening_form(school, *, policy=Policy.ACTIVE) -> ConsentForm:
    """The school's universal-screening form (active policy) for the current school year."""
    today = timezone.localdate()
    term = AcademicTerm.objects.filter(
        district=school.district_id,
        kind=AcademicTerm.Kind.SCHOOL_YEAR,
        start_date__lte=today,
        end_date__gte=today,
    ).first()
    form, _ = ConsentForm.objects.get_or_create(
        school=school,
        purpose=Purpose.UNIVERSAL_SCREENING,
        version=1,
        school_year=term.school_year if term else school_year_on(today),
        defaults=dict(
            policy=policy,
            notice_days=14,
            title={"en": "Screening", "es": "Evaluación"},
            summary={"en": "Summary", "es": "Resumen"},
            body={"en": ["Body"], "es": ["Cuerpo"]},
            grant_label={"en": "Yes", "es": "Sí"},
            deny_label={"en": "No", "es": "No"},
            revoke_label={"en": "Withdraw", "es": "Retirar"},
            published_at=timezone.now() - dt.timedelta(days=30),
        ),
    )
    return form


def decide_screening(students, decision=Decision.GRANTED):
    """A guardian of each student decides on the screening form (active policy)."""
    for student in students:
        form = screening_form(student.school)
        guardian = User.objects.create_user(username=f"guardian{next(_guardians)}")
        guardian_link_set(guardian=guardian, student=student)
        ConsentDecision.objects.create(
            student=student,
            guardian=guardian,
            form=form,
            decision=decision,
            channel=Channel.PAPER,
            recorded_by=guardian,
            at=timezone.now() - dt.timedelta(days=1),
        )
