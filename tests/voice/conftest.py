"""Student voice fixtures: a check-in consent form at school A, a consenting student."""

import datetime as dt

import pytest
from django.utils import timezone

from schoolwell.consent.models import Decision, Policy, Purpose
from schoolwell.voice.models import Channel
from schoolwell.voice.services import student_checkin_record
from tests.consent.conftest import decide, make_live_form
from tests.referrals.conftest import on_call  # noqa: F401  (fixture)
from tests.reports.conftest import load_rows, run_export  # noqa: F401  (fixtures)

# A Wednesday morning in term.
NOW = timezone.make_aware(dt.datetime(2026, 11, 18, 9, 0))


@pytest.fixture
def checkin_form(school_a):
    return make_live_form(
        school_a,
        Purpose.STUDENT_CHECKIN,
        policy=Policy.ACTIVE,
        published_at=NOW - dt.timedelta(days=30),
    )


@pytest.fixture
def consented(student_a, parent, checkin_form):
    """student_a, whose parent granted the check-in (active consent)."""
    decide(student_a, parent, checkin_form, Decision.GRANTED, at=NOW - dt.timedelta(days=20))
    return student_a


def record(student, *, now=NOW, **values):
    values.setdefault("feeling", "okay")
    values.setdefault("channel", Channel.LINK)
    return student_checkin_record(student=student, now=now, **values)
