"""A student with a record in every category, plus the things guardians must never see:
a counsellor's private note and a risk assessment (restricted safeguarding record)."""

import datetime as dt

import pytest
from django.utils import timezone

from schoolwell.accounts.roles import Role
from schoolwell.audit.services import access_log_record
from schoolwell.consent.models import Channel, ConsentDecision, Decision
from schoolwell.referrals.services import referral_note_add
from schoolwell.roster.services import school_staff_add
from schoolwell.safety import services as safety
from schoolwell.screening.models import CheckIn, ScreeningResult
from tests.conftest import make_user
from tests.consent.conftest import make_live_form
from tests.referrals.conftest import open_referral
from tests.safety.conftest import ASSESSMENT
from tests.screening.conftest import instruments  # noqa: F401

PRIVATE = "Zanzibar private memory aid"
RESTRICTED = "Xylophone restricted rationale"


def add_checkin(student, teacher, day, wellbeing=3):
    return CheckIn.objects.create(student=student, teacher=teacher, date=day, wellbeing=wellbeing)


def add_result(student, instrument, when, band="mild", total=7):
    return ScreeningResult.objects.create(
        student=student,
        instrument=instrument,
        answers={},
        total=total,
        band=band,
        band_label=band,
        respondent="student",
        administered_at=when,
    )


@pytest.fixture
def second_admin(school_a):
    user = make_user("second_admin")
    school_staff_add(school=school_a, user=user, role=Role.SCHOOL_ADMIN)
    return user


@pytest.fixture
def record(student_a, teacher, counsellor, parent, instruments):  # noqa: F811
    """student_a's record: check-ins, a PHQ-A result, a referral with a private note and a
    risk assessment, a consent decision, a disclosure row."""
    today = timezone.localdate()
    for days in (1, 2, 3):
        add_checkin(student_a, teacher, today - dt.timedelta(days=days), wellbeing=days + 1)
    result = add_result(student_a, instruments["phq-a"], timezone.now() - dt.timedelta(days=5))
    referral = open_referral(student_a, now=timezone.now())
    referral_note_add(referral=referral, by=counsellor, body=PRIVATE, private=True)
    safety.risk_assessment_record(
        referral=referral, by=counsellor, data={**ASSESSMENT, "rationale": RESTRICTED}
    )
    form = make_live_form(student_a.school)
    ConsentDecision.objects.create(
        student=student_a,
        guardian=parent,
        form=form,
        decision=Decision.GRANTED,
        channel=Channel.PORTAL,
        recorded_by=parent,
        at=timezone.now(),
    )
    access_log_record(user=counsellor, student=student_a, what="student profile")
    return {"result": result, "referral": referral, "form": form}
