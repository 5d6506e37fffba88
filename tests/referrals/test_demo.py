"""The referrals demo: every state, manual concerns, overdue ones; idempotent."""

import io
import random

from schoolwell.core import demo as core_demo
from schoolwell.referrals import demo
from schoolwell.referrals.models import (
    ExternalProvider,
    Notification,
    OnCall,
    Referral,
    ReferralEvent,
    ReferralNote,
    Source,
    Status,
    ThresholdRule,
)


def seed():
    district = core_demo.build_roster()
    out = io.StringIO()
    demo.seed_rules_and_on_call(district, random.Random(1), out)
    demo.seed_referrals(district, random.Random(1), out)
    return district


def counts():
    return [
        m.objects.count()
        for m in (Referral, ReferralEvent, ReferralNote, ThresholdRule, OnCall, ExternalProvider)
    ]


def test_demo_shows_every_state_and_is_idempotent(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the alerts, as in seed_demo
        seed()
    first = counts()
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert Referral.objects.filter(source=Source.MANUAL, reasons__raised_by__username="teacher")
    assert Referral.objects.filter(overdue_at__isnull=False).exists()
    assert Referral.objects.filter(escalated_at__isnull=False).exists()
    assert set(Referral.objects.filter(status=Status.CLOSED).values_list("outcome", flat=True)) >= {
        "resolved_no_further_action",
        "school_support_plan",
        "family_declined",
    }
    assert ReferralNote.objects.filter(private=True).exists()
    assert Notification.objects.filter(user__username="counsellor").exists()
    assert OnCall.objects.filter(counsellor__username="counsellor").exists()
    assert OnCall.objects.filter(counsellor__username="counsellor.elem").exists()
    seed()
    assert counts() == first
