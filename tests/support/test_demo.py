"""The demo district shows support plans: tiers 2 and 3, four to eight points each, one
improving, one not responding and moved up a tier, one closed as met."""

import io

import pytest
from django.core.management import call_command

from schoolwell.support.models import Decision, Outcome, PlanStatus, Suggestion, SupportPlan
from schoolwell.support.outcomes import Change
from schoolwell.support.selectors import plan_review

pytestmark = pytest.mark.django_db


def test_demo_support_plans():
    call_command("seed_demo", stdout=io.StringIO())
    plans = list(SupportPlan.objects.prefetch_related("goals__checks", "reviews"))
    assert len(plans) == 3
    assert {p.tier for p in plans} == {2, 3}
    for plan in plans:
        points = sum(g.checks.count() for g in plan.goals.all())
        assert 4 <= points <= 8, plan
        assert plan.interventions.exists() and plan.contacts.exists()
    improving = next(p for p in plans if p.is_active and p.tier == 2)
    review = plan_review(improving)
    assert review.goals[0].outcome.category == Change.IMPROVED
    assert review.suggestion == Suggestion.CONTINUE
    moved = next(p for p in plans if p.tier == 3)
    decision = moved.reviews.get()
    assert (decision.decision, decision.suggestion) == (Decision.MOVE_UP, Suggestion.INTENSIFY)
    closed = next(p for p in plans if p.status == PlanStatus.CLOSED)
    assert closed.outcome == Outcome.MET
    assert closed.reviews.get().suggestion == Suggestion.STEP_DOWN
    # Plans from referrals have their first contact marked.
    assert sum(1 for p in plans if p.referral_id and p.contacts.filter(first_contact=True)) == 2
