"""Helpers for consent tests: forms, decisions and notices at fixed moments.

Tests pass `on=` explicitly so they do not depend on today's date; the shared `term`
fixture is the school year 2026–2027 (school_year 2027).
"""

import datetime as dt

import pytest
from django.utils import timezone

from schoolwell.accounts.models import User
from schoolwell.consent.models import (
    Channel,
    ConsentDecision,
    ConsentForm,
    ConsentNotice,
    Decision,
    Policy,
    Purpose,
)
from schoolwell.roster.services import guardian_link_set

NOW = timezone.make_aware(dt.datetime(2026, 11, 2, 10, 0))


def days(n: float) -> dt.timedelta:
    return dt.timedelta(days=n)


A_MONTH_AGO = NOW - days(30)
YESTERDAY = NOW - days(1)


def make_form(
    school,
    purpose=Purpose.UNIVERSAL_SCREENING,
    *,
    policy=Policy.ACTIVE,
    version=1,
    school_year=2027,
    published_at=A_MONTH_AGO,
    notice_days=14,
) -> ConsentForm:
    return ConsentForm.objects.create(
        school=school,
        purpose=purpose,
        version=version,
        school_year=school_year,
        policy=policy,
        notice_days=notice_days,
        title={"en": f"Form {purpose} v{version}", "es": f"Formulario {purpose} v{version}"},
        summary={"en": "Summary", "es": "Resumen"},
        body={"en": ["Para one", "## Heading", "Para two"], "es": ["Párrafo uno"]},
        grant_label={"en": "I give permission", "es": "Doy mi permiso"},
        deny_label={"en": "I do not give permission", "es": "No doy mi permiso"},
        revoke_label={"en": "Withdraw my permission", "es": "Retirar mi permiso"},
        published_at=published_at,
    )


def decide(student, guardian, form, decision=Decision.GRANTED, *, at=YESTERDAY, by=None):
    return ConsentDecision.objects.create(
        student=student,
        guardian=guardian,
        form=form,
        decision=decision,
        channel=Channel.PORTAL,
        recorded_by=by or guardian,
        at=at,
    )


def notify(student, guardian, form, *, at):
    return ConsentNotice.objects.create(student=student, guardian=guardian, form=form, sent_at=at)


@pytest.fixture
def second_parent(student_a):
    user = User.objects.create_user(username="second_parent", email="second@example.org")
    guardian_link_set(guardian=user, student=student_a)
    return user


def make_live_form(school, purpose=Purpose.UNIVERSAL_SCREENING, **extra) -> ConsentForm:
    """A form published just now for the school's current year: in force today."""
    from schoolwell.consent.gating import school_year_now

    extra.setdefault("published_at", timezone.now())
    return make_form(school, purpose, school_year=school_year_now(school), **extra)


@pytest.fixture
def live_form(school_a):
    return make_live_form(school_a)
