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
