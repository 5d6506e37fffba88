"""The generated district's casework on its referrals: support plans with goals, progress
checks, contacts and reviews; the suicide-risk pathway (risk assessment, safety plan,
guardian notified, follow-up) on the critical ones; and the alert outbox's rows — sent,
and now and then given up with the escalation that follows — as the demo shows them."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from schoolwell.alerts.models import Channel, Delivery, Kind, State
from schoolwell.core.generator.activity import _at
from schoolwell.core.generator.copy import copy_rows
from schoolwell.core.generator.referrals import GeneratedReferral
from schoolwell.core.generator.roster import GeneratedRoster
from schoolwell.referrals.models import Priority, ReferralEvent, Status
from schoolwell.referrals.schooldays import add_school_days
from schoolwell.safety.models import (
    FollowUp,
    GuardianNotification,
    GuardianPolicy,
    NotificationDecision,
    RiskAssessment,
    SafetyPlanRevision,
)
from schoolwell.support.models import (
    CheckSource,
    ConcernArea,
    ContactKind,
    Decision,
    Direction,
    Goal,
    Measure,
    Outcome,
    PlanStatus,
    ProgressCheck,
    ReviewDecision,
    Suggestion,
    SupportContact,
    SupportPlan,
    Tier,
)

WORKED = (Status.IN_PROGRESS, Status.REFERRED_OUT, Status.CLOSED)
PLAN_SHARE = 0.5  # of worked referrals
REVIEW_WEEKS = 6
# Rating points a week: improving, not responding, getting worse (what a review tells apart).
TRAJECTORIES = [0.6, 0.0, -0.3]
PLAN_WEEKS = 8  # a plan on a closed referral closes this long after it started
GAVE_UP_SHARE = 0.03
UNREACHABLE = "ConnectionRefusedError: [Errno 111] Connection refused"


def _date(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def generate_support(
    roster: GeneratedRoster,
    referrals: list[GeneratedReferral],
    rng: random.Random,
    today: dt.date,
) -> dict[str, int]:
    """A first contact for every worked referral; a plan for about half of them, with a
    rating goal, weekly ratings along an improving, flat or worsening path, and a review at
    each review date that has passed."""
    worked = [r for r in referrals if r.status in WORKED and r.claimed_at]
    contacts = [
        SupportContact(
            student_id=r.student.pk,
            referral_id=r.pk,
            date=min(_date(r.claimed_at) + dt.timedelta(days=rng.randint(0, 4)), today),
            kind=ContactKind.INDIVIDUAL,
            minutes=30,
            attended=True,
            first_contact=True,
            by_id=r.counsellor,
        )
        for r in worked
    ]
    chosen = [r for n, r in enumerate(worked) if rng.random() < PLAN_SHARE or n == 0]
    plans, paths = [], []
    for r in chosen:
        start = min(_date(r.claimed_at) + dt.timedelta(days=rng.randint(1, 7)), today)
        tier = Tier.INTENSIVE if r.critical or rng.random() < 0.2 else Tier.TARGETED
        ends = start + dt.timedelta(weeks=PLAN_WEEKS)
        closed = r.status == Status.CLOSED and ends <= today
        plans.append(
            SupportPlan(
                school_id=r.student.school_id,
                student_id=r.student.pk,
                referral_id=r.pk,
                tier=tier,
                concern_areas=rng.sample(ConcernArea.values, 2),
                owner_id=r.counsellor,
                start_date=start,
                review_weeks=REVIEW_WEEKS,
                next_review_on=start + dt.timedelta(weeks=REVIEW_WEEKS),
                status=PlanStatus.CLOSED if closed else PlanStatus.ACTIVE,
                outcome=rng.choice([Outcome.MET, Outcome.STEPPED_DOWN]) if closed else "",
                closed_on=ends if closed else None,
                created_by_id=r.counsellor,
            )
        )
        paths.append(rng.choice(TRAJECTORIES))
    SupportPlan.objects.bulk_create(plans, batch_size=2000)
    if plans and plans[0].pk is None:
        by_referral = dict(
            SupportPlan.objects.filter(school__district=roster.district).values_list(
                "referral_id", "pk"
            )
        )
        for plan in plans:
            plan.pk = by_referral[plan.referral_id]
    goals = [
        Goal(
            plan_id=plan.pk,
            description="Joins in with classmates and stays in class",
            measure=Measure.RATING,
            direction=Direction.HIGHER,
            baseline=(baseline := float(rng.randint(2, 4))),
            target=baseline + 4,
            by_date=plan.start_date + dt.timedelta(weeks=12),
        )
        for plan in plans
    ]
    Goal.objects.bulk_create(goals, batch_size=2000)
    if goals and goals[0].pk is None:
        by_plan = dict(
            Goal.objects.filter(plan__school__district=roster.district).values_list("plan_id", "pk")
        )
        for goal in goals:
            goal.pk = by_plan[goal.plan_id]
    checks, reviews = [], []
    for plan, goal, slope in zip(plans, goals, paths, strict=True):
        last = plan.closed_on or today
        weeks = (last - plan.start_date).days // 7
        for week in range(1, weeks + 1):
            value = goal.baseline + slope * week + rng.uniform(-0.5, 0.5)
            checks.append(
                (
                    goal.pk,
                    plan.start_date + dt.timedelta(weeks=week),
                    round(min(10.0, max(0.0, value)), 1),
                    CheckSource.RATING,
                    1,
                    plan.owner_id,
                )
            )
        due = plan.start_date + dt.timedelta(weeks=REVIEW_WEEKS)
        while due <= last:
            suggestion = Suggestion.CONTINUE if slope > 0 else Suggestion.INTENSIFY
            reviews.append(
                ReviewDecision(
                    plan_id=plan.pk,
                    date=min(today, due + dt.timedelta(days=rng.choice([0, 0, 1, 3, 12]))),
                    due_on=due,
                    suggestion=suggestion,
                    decision=Decision.CONTINUE if slope > 0 else Decision.INTENSIFY,
                    tier_before=plan.tier,
                    tier_after=plan.tier,
                    by_id=plan.owner_id,
                )
            )
            due += dt.timedelta(weeks=REVIEW_WEEKS)
        if plan.status == PlanStatus.ACTIVE and due != plan.next_review_on:
            plan.next_review_on = due
    SupportPlan.objects.bulk_update(plans, ["next_review_on"], batch_size=2000)
    SupportContact.objects.bulk_create(contacts, batch_size=2000)
    copy_rows(ProgressCheck, ("goal_id", "date", "value", "source", "n", "by_id"), checks)
    ReviewDecision.objects.bulk_create(reviews, batch_size=2000)
    return {
        "support_plans": len(plans),
        "progress_checks": len(checks),
        "support_contacts": len(contacts),
        "plan_reviews": len(reviews),
    }


SAFETY_PLAN = {
    "warning_signs": "Stays in their room and stops answering friends.",
    "coping_strategies": "A walk with headphones; drawing; slow breathing.",
    "distractions": "Band practice; lunch with a friend; the library.",
    "help_contacts": "An older sibling; a trusted teacher.",
    "professionals": "988 Suicide & Crisis Lifeline: call or text 988\n"
    "The school counsellor on call",
    "safe_environment": "Medication at home locked away by a parent.",
}


def generate_safety(referrals: list[GeneratedReferral], rng: random.Random, today: dt.date) -> int:
    """The pathway on every claimed critical referral, as a counsellor works it: a risk
    assessment, then the safety plan (which schedules the follow-up), a guardian told; the
    follow-up is done unless it is still due."""
    now = _at(today, 12)
    pathway = [r for r in referrals if r.critical and r.claimed_at]
    assessments, plans, notices, follow_ups = [], [], [], []
    for r in pathway:
        assessed = r.claimed_at + dt.timedelta(minutes=20)
        planned = assessed + dt.timedelta(minutes=30)
        level = rng.choice(["low", "moderate", "moderate", "high"])
        assessments.append(
            RiskAssessment(
                referral_id=r.pk,
                student_id=r.student.pk,
                assessed_by_id=r.counsellor,
                assessed_at=assessed,
                ideation=rng.choice(["passive", "active"]),
                plan="vague" if level != "low" else "none",
                intent="none" if level != "high" else "unsure",
                means_access=rng.choice(["none", "limited"]),
                history=rng.choice(["none", "none", "self_harm"]),
                protective_factors="Close to family; enjoys sport.",
                risk_level=level,
                rationale="Thoughts without intent; supports in place. Safety plan today.",
            )
        )
        plans.append(
            SafetyPlanRevision(
                referral_id=r.pk,
                student_id=r.student.pk,
                version=1,
                written_by_id=r.counsellor,
                created_at=planned,
                **SAFETY_PLAN,
            )
        )
        notices.append(
            GuardianNotification(
                referral_id=r.pk,
                student_id=r.student.pk,
                policy=GuardianPolicy.ALWAYS,
                decision=NotificationDecision.NOTIFIED,
                guardian_name="Parent",
                method="phone",
                notified_at=planned + dt.timedelta(minutes=30),
                recorded_by_id=r.counsellor,
                recorded_at=planned + dt.timedelta(minutes=35),
            )
        )
        due = add_school_days(planned, 2)
        follow_ups.append(
            FollowUp(
                referral_id=r.pk,
                student_id=r.student.pk,
                due_on=timezone.localtime(due).date(),
                scheduled_by_id=r.counsellor,
                scheduled_at=planned,
                done_at=due if due < now else None,
                done_by_id=r.counsellor if due < now else None,
            )
        )
    RiskAssessment.objects.bulk_create(assessments, batch_size=2000)
    SafetyPlanRevision.objects.bulk_create(plans, batch_size=2000)
    GuardianNotification.objects.bulk_create(notices, batch_size=2000)
    FollowUp.objects.bulk_create(follow_ups, batch_size=2000)
    return len(assessments)


def generate_alerts(
    roster: GeneratedRoster, referrals: list[GeneratedReferral], rng: random.Random
) -> int:
    """The outbox rows the referrals' opening alerted: urgent in the app and by email to the
    school's counsellor, high in the app. Sent a few seconds later, except a few emails the
    mail server never took: given up after six attempts, and the school's administrator
    alerted instead (sent)."""
    alerted = {r.pk: r for r in referrals if r.priority in (Priority.URGENT, Priority.HIGH)}
    created_events = dict(
        ReferralEvent.objects.filter(
            referral_id__in=alerted, kind=ReferralEvent.Kind.CREATED
        ).values_list("referral_id", "pk")
    )
    rows, failed = [], []
    for pk, r in alerted.items():
        urgent = r.priority == Priority.URGENT
        channels = (Channel.IN_APP, Channel.EMAIL) if urgent else (Channel.IN_APP,)
        for channel in channels:
            # The first urgent email always fails: every district shows an escalation.
            gave_up = channel == Channel.EMAIL and (rng.random() < GAVE_UP_SHARE or not failed)
            delivery = Delivery(
                recipient_id=r.counsellor,
                channel=channel,
                kind=Kind.URGENT if urgent else Kind.HIGH,
                school_id=r.student.school_id,
                referral_id=pk,
                referral_event_id=created_events.get(pk),
                message_code="referral.created",
                params={"priority": r.priority},
                state=State.GAVE_UP if gave_up else State.SENT,
                attempts=6 if gave_up else 1,
                last_error=UNREACHABLE if gave_up else "",
                next_attempt_at=r.opened_at,
                sent_at=None if gave_up else r.opened_at + dt.timedelta(seconds=2),
                created_at=r.opened_at,
            )
            rows.append(delivery)
            if gave_up:
                failed.append(delivery)
    Delivery.objects.bulk_create(rows, batch_size=2000)
    if failed and failed[0].pk is None:
        ids = dict(
            Delivery.objects.filter(
                school__district=roster.district, state=State.GAVE_UP
            ).values_list("referral_id", "pk")
        )
        for delivery in failed:
            delivery.pk = ids[delivery.referral_id]
    escalations = []
    for delivery in failed:
        # Retried with backoff for about half an hour (alerts.sending), then escalated.
        at = delivery.created_at + dt.timedelta(minutes=32)
        escalations.extend(
            Delivery(
                recipient_id=roster.admins[delivery.school_id],
                channel=channel,
                kind=Kind.DELIVERY_FAILED,
                school_id=delivery.school_id,
                referral_id=delivery.referral_id,
                referral_event_id=delivery.referral_event_id,
                escalated_from_id=delivery.pk,
                message_code="referral.delivery_failed",
                params={"failed": delivery.pk, **delivery.params},
                state=State.SENT,
                attempts=1,
                next_attempt_at=at,
                sent_at=at + dt.timedelta(seconds=2),
                created_at=at,
            )
            for channel in (Channel.IN_APP, Channel.EMAIL)
        )
    Delivery.objects.bulk_create(escalations, batch_size=2000)
    return len(rows) + len(escalations)
