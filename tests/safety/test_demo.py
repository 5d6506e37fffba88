"""The safety demo: the demo counsellor's critical referral has a completed assessment and
safety plan, a guardian notified, a follow-up due today, and shows on their home."""

import io
import random

from django.urls import reverse
from django.utils import timezone

from schoolwell.accounts.models import User
from schoolwell.safety import demo, selectors
from schoolwell.safety.models import (
    FollowUp,
    GuardianNotification,
    RiskAssessment,
    SafetyPlanRevision,
)
from tests.referrals.test_demo import seed as seed_referrals


def seed():
    district = seed_referrals()
    demo.seed_pathway(district, random.Random(1), io.StringIO())
    return district


def counts():
    return [
        m.objects.count()
        for m in (RiskAssessment, SafetyPlanRevision, GuardianNotification, FollowUp)
    ]


def test_demo_pathway_is_complete_and_idempotent(db, client):
    seed()
    assert counts() == [1, 1, 1, 1]
    counsellor = User.objects.get(username="counsellor")
    follow_up = FollowUp.objects.select_related("referral").get()
    assert follow_up.referral.assignee == counsellor
    today = timezone.localdate()
    if today.weekday() < 5:  # on a school day the follow-up is due today
        assert follow_up.due_on == today
        assert selectors.follow_ups_due(user=counsellor, today=today).exists()
    seed()
    assert counts() == [1, 1, 1, 1]
    client.force_login(counsellor)
    home = client.get(reverse("home")).content.decode()
    assert "My caseload" in home and "Needs action today" in home
