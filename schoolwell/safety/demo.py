"""The safety part of `seed_demo` (order 65, after the referrals' cases): the demo
counsellor's critical referral with a completed risk assessment and safety plan, the
guardian notified and a follow-up due. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from schoolwell.accounts.models import User
from schoolwell.referrals import services as referral_services
from schoolwell.referrals.models import OPEN_STATUSES, Referral
from schoolwell.safety import services
from schoolwell.safety.models import (
    ContactMethod,
    NotificationDecision,
    RiskAssessment,
    SafetySettings,
)
from schoolwell.safety.selectors import critical_reasons_q

SECONDARY = "riverside-secondary"


@transaction.atomic
def seed_pathway(district, rng, stdout) -> None:
    school = district.schools.filter(code=SECONDARY).first()
    counsellor = User.objects.filter(username="counsellor").first()
    if school is None or counsellor is None:
        return
    SafetySettings.objects.get_or_create(
        school=school,
        defaults={
            "guardian_policy": "unless_endangers",
            "follow_up_school_days": 2,
            "on_call_contact": "Ms. Rivera, school counsellor on call: (555) 010-2030",
        },
    )
    if RiskAssessment.objects.filter(referral__school=school).exists():
        return
    referral = (
        Referral.objects.filter(school=school, status__in=OPEN_STATUSES)
        .filter(reasons__in=_critical_reasons())
        .order_by("opened_at", "pk")
        .distinct()
        .first()
    )
    if referral is None:
        return
    now = timezone.now()
    # Worked two school days ago, so the two-school-day follow-up is due today.
    start = now
    for _ in range(2):
        start -= dt.timedelta(days=1)
        while start.weekday() >= 5:
            start -= dt.timedelta(days=1)
    if referral.assignee_id is None:
        referral = referral_services.referral_claim(referral=referral, by=counsellor, now=start)
    by = referral.assignee
    services.risk_assessment_record(
        referral=referral,
        by=by,
        now=start + dt.timedelta(minutes=20),
        data={
            "ideation": "active",
            "plan": "vague",
            "intent": "none",
            "means_access": "limited",
            "means_note": "Parent's medication at home; discussed locking it away.",
            "history": "none",
            "protective_factors": "Close to an older sister; plays in the school band; "
            "wants to finish the year.",
            "risk_level": "moderate",
            "rationale": "Active thoughts without intent or a specific plan; strong supports. "
            "Safety plan today, guardian told, follow-up in two school days.",
        },
    )
    services.safety_plan_revise(
        referral=referral,
        by=by,
        now=start + dt.timedelta(minutes=50),
        parts={
            "warning_signs": "When I stop texting my friends and stay in my room. "
            "Thinking nobody would notice if I was gone.",
            "coping_strategies": "Go for a walk with headphones. Draw. Take a shower. "
            "Breathe in for 4, out for 6.",
            "distractions": "Band practice. Sitting with Maya at lunch. The library.",
            "help_contacts": "My sister Ana. Mr. Lopez (band teacher). My aunt.",
            "professionals": "988 Suicide & Crisis Lifeline: call or text 988\n"
            "Ms. Rivera, school counsellor on call: (555) 010-2030",
            "safe_environment": "Mum will keep the medication locked. "
            "I will give my razor to my sister for now.",
        },
    )
    services.guardian_notification_record(
        referral=referral,
        by=by,
        decision=NotificationDecision.NOTIFIED,
        guardian_name="Mother",
        method=ContactMethod.PHONE,
        notified_at=start + dt.timedelta(hours=1),
        now=start + dt.timedelta(hours=1, minutes=5),
    )
    if stdout:
        stdout.write("Safety: a completed risk assessment and safety plan; a follow-up due.")


def _critical_reasons():
    from schoolwell.referrals.models import ReferralReason

    return ReferralReason.objects.filter(critical_reasons_q())
