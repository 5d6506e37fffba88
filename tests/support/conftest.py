import datetime as dt

import pytest
from django.utils import timezone

from schoolwell.support import services
from schoolwell.support.catalogue import interventions_sync
from schoolwell.support.models import ConcernArea, Intervention, Measure, Tier
from tests.referrals.conftest import open_referral


@pytest.fixture
def catalogue(db):
    interventions_sync()
    return {i.code: i for i in Intervention.objects.all()}


def rating_goal(baseline=3.0, target=7.0, by=None, description="Joins in at lunch"):
    return services.GoalInput(
        description=description,
        measure=Measure.RATING,
        baseline=baseline,
        target=target,
        by_date=by or timezone.localdate() + dt.timedelta(weeks=12),
    )


def make_plan(student, counsellor, *, referral=None, tier=Tier.TARGETED, start=None, goal=True):
    start = start or timezone.localdate() - dt.timedelta(weeks=6)
    return services.plan_create(
        student=student,
        by=counsellor,
        tier=tier,
        concern_areas=[ConcernArea.MOOD],
        owner=counsellor,
        start_date=start,
        referral=referral,
        goal=rating_goal(by=start + dt.timedelta(weeks=12)) if goal else None,
    )


def add_checks(plan, counsellor, values, start=None):
    goal = plan.goals.first()
    start = start or plan.start_date
    for i, value in enumerate(values):
        services.progress_check_add(
            goal=goal, by=counsellor, date=start + dt.timedelta(days=i + 1), value=value
        )
    return goal


@pytest.fixture
def referral_a(student_a):
    return open_referral(student_a)


@pytest.fixture
def plan_a(student_a, counsellor, referral_a):
    return make_plan(student_a, counsellor, referral=referral_a)
