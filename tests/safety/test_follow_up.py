"""The follow-up is due a set number of school days after the plan (weekends skipped),
and stays on the counsellor's home and caseload from its day until it is done."""

import datetime as dt

import pytest
from django.utils import timezone

from schoolwell.safety import selectors, services
from schoolwell.safety.models import FollowUp, SafetySettings

from .conftest import PLAN


def at(y, m, d, h=15):
    return timezone.make_aware(dt.datetime(y, m, d, h))


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (at(2026, 11, 18), 2, dt.date(2026, 11, 20)),  # Wednesday + 2 → Friday
        (at(2026, 11, 20), 1, dt.date(2026, 11, 23)),  # Friday + 1 → Monday
        (at(2026, 11, 20), 2, dt.date(2026, 11, 24)),  # Friday + 2 → Tuesday
        (at(2026, 11, 21), 1, dt.date(2026, 11, 23)),  # Saturday + 1 → Monday
        (at(2026, 11, 20, 23), 1, dt.date(2026, 11, 23)),  # late Friday is still Friday
    ],
)
def test_due_on_counts_school_days(school_a, start, days, due):
    SafetySettings.objects.create(school=school_a, follow_up_school_days=days)
    assert services.follow_up_due_on(school_id=school_a.pk, start=start) == due


def test_the_first_plan_schedules_it_with_the_schools_setting(assessed, counsellor):
    SafetySettings.objects.create(school=assessed.school, follow_up_school_days=1)
    services.safety_plan_revise(referral=assessed, by=counsellor, parts=PLAN, now=at(2026, 11, 20))
    follow_up = FollowUp.objects.get()
    assert (follow_up.due_on, follow_up.scheduled_by) == (dt.date(2026, 11, 23), counsellor)


@pytest.fixture
def due_monday(assessed, counsellor):
    SafetySettings.objects.create(school=assessed.school, follow_up_school_days=1)
    services.safety_plan_revise(referral=assessed, by=counsellor, parts=PLAN, now=at(2026, 11, 20))
    return FollowUp.objects.get()


@pytest.mark.parametrize(
    ("today", "listed"),
    [
        (dt.date(2026, 11, 21), False),  # the weekend before: not yet
        (dt.date(2026, 11, 22), False),
        (dt.date(2026, 11, 23), True),  # its day
        (dt.date(2026, 11, 24), True),  # and after, overdue, until done
    ],
)
def test_listed_as_due_from_its_school_day(due_monday, counsellor, today, listed):
    assert selectors.follow_ups_due(user=counsellor, today=today).exists() is listed


def test_done_is_no_longer_due(due_monday, counsellor):
    services.follow_up_complete(follow_up=due_monday, by=counsellor)
    assert not selectors.follow_ups_due(user=counsellor, today=dt.date(2026, 11, 30)).exists()
    with pytest.raises(services.SafetyError):
        services.follow_up_complete(follow_up=due_monday, by=counsellor)


def test_another_schools_counsellor_never_sees_it(due_monday, other_counsellor):
    assert not selectors.follow_ups_due(user=other_counsellor, today=dt.date(2026, 12, 1)).exists()


def test_a_colleagues_follow_up_is_not_mine(due_monday, counsellor, school_a):
    from schoolwell.accounts.models import User
    from schoolwell.accounts.roles import Role
    from schoolwell.referrals.services import referral_claim
    from schoolwell.roster.services import school_staff_add

    referral_claim(referral=due_monday.referral, by=counsellor)

    other = User.objects.create_user(username="colleague2")
    school_staff_add(school=school_a, user=other, role=Role.COUNSELLOR)
    assert not selectors.follow_ups_due(user=other, today=dt.date(2026, 11, 24)).exists()
    assert selectors.follow_ups_due(user=counsellor, today=dt.date(2026, 11, 24)).exists()
