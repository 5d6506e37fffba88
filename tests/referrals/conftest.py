import datetime as dt

import pytest
from django.utils import timezone

from schoolwell.accounts.models import User
from schoolwell.accounts.roles import Role
from schoolwell.referrals.demo import rules_install_defaults
from schoolwell.referrals.models import DueUnit, OnCall, Priority, Source
from schoolwell.referrals.services import Trigger, referral_trigger
from schoolwell.roster.services import school_staff_add

# A Wednesday morning in term, so school-day arithmetic is easy to read.
NOW = timezone.make_aware(dt.datetime(2026, 11, 18, 9, 0))


def trigger(key: str = "test", priority: int = Priority.ROUTINE, **extra) -> Trigger:
    within, unit = {
        Priority.URGENT: (1, DueUnit.HOURS),
        Priority.HIGH: (2, DueUnit.SCHOOL_DAYS),
        Priority.ROUTINE: (10, DueUnit.SCHOOL_DAYS),
    }[priority]
    return Trigger(
        source=extra.pop("source", Source.RULE),
        trigger_key=key,
        summary=extra.pop("summary", f"reason {key}"),
        priority=priority,
        due_within=within,
        due_unit=unit,
        **extra,
    )


def open_referral(student, priority=Priority.ROUTINE, key="test", now=NOW):
    return referral_trigger(student=student, triggers=[trigger(key, priority)], now=now).referral


@pytest.fixture
def colleague(school_a):
    """A second counsellor of school A."""
    user = User.objects.create_user(
        username="colleague", email="colleague@example.org", first_name="Col", last_name="League"
    )
    school_staff_add(school=school_a, user=user, role=Role.COUNSELLOR)
    return user


@pytest.fixture
def on_call(counsellor, school_a):
    OnCall.objects.create(school=school_a, counsellor=counsellor)
    return counsellor


@pytest.fixture
def rules_a(school_a):
    rules_install_defaults(school=school_a)
    return {r.code: r for r in school_a.threshold_rules.all()}


def grant_screening_consent(student) -> None:
    """A guardian grants the school's universal-screening consent (active policy)."""
    import datetime as dt

    from schoolwell.consent.gating import school_year_on
    from schoolwell.consent.models import Channel, ConsentDecision, ConsentForm, Decision, Purpose
    from schoolwell.roster.services import guardian_link_set

    now = timezone.now()
    form, _ = ConsentForm.objects.get_or_create(
        school=student.school,
        purpose=Purpose.UNIVERSAL_SCREENING,
        version=1,
        school_year=school_year_on(timezone.localdate()),
        defaults={"title": {"en": "Screening"}, "published_at": now - dt.timedelta(days=30)},
    )
    guardian = User.objects.create_user(username=f"guardian-{student.pk}")
    guardian_link_set(guardian=guardian, student=student)
    ConsentDecision.objects.create(
        student=student,
        guardian=guardian,
        form=form,
        decision=Decision.GRANTED,
        channel=Channel.PAPER,
        recorded_by=guardian,
        at=now - dt.timedelta(days=1),
    )


def record_critical_phqa(student, by):
    """Save a PHQ-A with a critical answer (item 9) through screening's own service."""
    from schoolwell.screening.services import instrument_sync
    from schoolwell.screening.services.results import screening_result_record

    phqa = {i.code: i for i in instrument_sync()}["phq-a"]
    answers = {f"q{n}": 0 for n in range(1, 10)} | {"q9": 2}
    return screening_result_record(student=student, instrument=phqa, answers=answers, by=by)
