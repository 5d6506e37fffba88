import pytest

from schoolwell.referrals.models import Priority
from schoolwell.referrals.services import concern_raise
from schoolwell.safety import services

ASSESSMENT = {
    "ideation": "active",
    "plan": "vague",
    "intent": "none",
    "means_access": "limited",
    "means_note": "Medication at home.",
    "history": "none",
    "protective_factors": "Sister; band.",
    "risk_level": "moderate",
    "rationale": "Thoughts without intent; strong supports.",
}

PLAN = {
    "warning_signs": "Staying in my room.",
    "coping_strategies": "Walk with music.",
    "distractions": "Band practice.",
    "help_contacts": "My sister Ana.",
    "professionals": "988; Ms. Rivera.",
    "safe_environment": "Medication locked away.",
}


@pytest.fixture
def critical(student_a, teacher):
    """An urgent referral on a teacher's self-harm concern: the pathway applies."""
    return concern_raise(
        student=student_a,
        by=teacher,
        concern_code="self_harm_concern",
        note="Said nobody would notice if they were gone.",
        priority=Priority.URGENT,
    ).referral


@pytest.fixture
def assessed(critical, counsellor):
    services.risk_assessment_record(referral=critical, by=counsellor, data=ASSESSMENT)
    return critical


@pytest.fixture
def planned(assessed, counsellor):
    services.safety_plan_revise(referral=assessed, by=counsellor, parts=PLAN)
    return assessed
