"""The support part of `seed_demo` (order 70, after the referrals): the intervention
catalogue, then three plans at Riverside Secondary — one improving (tier 2), one not
responding and moved up to tier 3, one closed with its goal met. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from schoolwell.accounts.models import User
from schoolwell.referrals.models import Referral
from schoolwell.roster.models import Class, Student
from schoolwell.roster.selectors import visible_students
from schoolwell.support import services
from schoolwell.support.catalogue import interventions_sync
from schoolwell.support.models import (
    ConcernArea,
    ContactKind,
    Decision,
    Frequency,
    Intervention,
    Measure,
    Outcome,
    SupportPlan,
    Tier,
)

SECONDARY = "riverside-secondary"
WEEK = dt.timedelta(weeks=1)


def _rating_goal(description: str, baseline: float, target: float, by: dt.date):
    return services.GoalInput(
        description=description,
        measure=Measure.RATING,
        baseline=baseline,
        target=target,
        by_date=by,
    )


def _checks(plan, by, start: dt.date, values: list[float], every: int = 7) -> None:
    goal = plan.goals.first()
    for i, value in enumerate(values):
        services.progress_check_add(
            goal=goal, by=by, date=start + dt.timedelta(days=every * (i + 1)), value=value
        )


def _contacts(plan, by, days: list[tuple[dt.date, str, int]]) -> None:
    for day, kind, minutes in days:
        services.contact_log(by=by, plan=plan, date=day, kind=kind, minutes=minutes, attended=True)


def _deliverer(student, teacher, counsellor):
    return teacher if visible_students(teacher).filter(pk=student.pk).exists() else counsellor


@transaction.atomic
def seed_support(district, rng, stdout) -> None:
    interventions_sync()
    school = district.schools.filter(code=SECONDARY).first()
    if school is None or SupportPlan.objects.filter(school=school).exists():
        return
    counsellor = User.objects.get(username="counsellor")
    teacher = User.objects.get(username="teacher")
    catalogue = {i.code: i for i in Intervention.objects.all()}
    today = timezone.localdate()
    referrals = list(
        Referral.objects.filter(school=school, assignee=counsellor)
        .select_related("student")
        .order_by("opened_at", "pk")[:2]
    )
    taken = {r.student_id for r in referrals}
    advisory = Class.objects.filter(school=school, title="Advisory 7-A").first()
    # The demo parent's child (first of Advisory 7-A) stays calm: no plan for them.
    pool = Student.objects.filter(school=school, enrollments__klass=advisory).order_by(
        "family_name", "pk"
    )[1:]
    direct = next((s for s in pool if s.pk not in taken), None)

    def add(plan, code, by_user, frequency, minutes, started):
        services.plan_intervention_add(
            plan=plan,
            by=counsellor,
            intervention=catalogue[code],
            delivered_by=by_user,
            frequency=frequency,
            minutes=minutes,
            started_on=started,
        )

    # 1. Improving, tier 2, from a referral: a review is due today.
    if referrals:
        referral = referrals[0]
        start = today - 6 * WEEK
        plan = services.plan_create(
            student=referral.student,
            by=counsellor,
            tier=Tier.TARGETED,
            concern_areas=[ConcernArea.MOOD, ConcernArea.PEERS],
            owner=counsellor,
            start_date=start,
            referral=referral,
            goal=_rating_goal(
                "Joins in with classmates at lunch and in group work", 3, 7, start + 12 * WEEK
            ),
        )
        deliverer = _deliverer(referral.student, teacher, counsellor)
        add(plan, "check-in-check-out", deliverer, Frequency.DAILY, 10, start)
        add(plan, "lunch-bunch", counsellor, Frequency.WEEKLY, 30, start + WEEK)
        _contacts(
            plan,
            counsellor,
            [(start + dt.timedelta(days=d), ContactKind.INDIVIDUAL, 30) for d in (1, 15, 29)]
            + [(start + dt.timedelta(days=8), ContactKind.FAMILY, 20)],
        )
        _checks(plan, counsellor, start, [3.5, 4, 5, 5.5, 6])

    # 2. Not responding at tier 2, moved up to tier 3 at its review; still monitored.
    if len(referrals) > 1:
        referral = referrals[1]
        start = today - 10 * WEEK
        plan = services.plan_create(
            student=referral.student,
            by=counsellor,
            tier=Tier.TARGETED,
            concern_areas=[ConcernArea.ANXIETY, ConcernArea.ATTENDANCE],
            owner=counsellor,
            start_date=start,
            review_weeks=6,
            referral=referral,
            goal=_rating_goal("Stays in class through worried moments", 2, 7, start + 16 * WEEK),
        )
        add(plan, "anxiety-group", counsellor, Frequency.WEEKLY, 40, start)
        _contacts(
            plan,
            counsellor,
            [(start + dt.timedelta(days=d), ContactKind.GROUP, 40) for d in (3, 10, 17, 24, 31)],
        )
        _checks(plan, counsellor, start, [2, 2.5, 2, 2.5, 2])
        services.review_decide(
            plan=plan, by=counsellor, decision=Decision.MOVE_UP, today=start + 6 * WEEK
        )
        add(plan, "individual-counselling", counsellor, Frequency.WEEKLY, 45, start + 6 * WEEK)
        add(
            plan,
            "family-counselling-sessions",
            counsellor,
            Frequency.FORTNIGHTLY,
            60,
            start + 7 * WEEK,
        )
        _contacts(
            plan,
            counsellor,
            [(start + dt.timedelta(days=d), ContactKind.INDIVIDUAL, 45) for d in (43, 50, 57, 64)],
        )
        _checks(plan, counsellor, start + 6 * WEEK, [2.5, 3, 3.5], every=7)

    # 3. Closed with its goal met and held, started directly (no referral).
    if direct is not None:
        start = today - 16 * WEEK
        plan = services.plan_create(
            student=direct,
            by=counsellor,
            tier=Tier.TARGETED,
            concern_areas=[ConcernArea.SELF_REGULATION],
            owner=counsellor,
            start_date=start,
            goal=_rating_goal(
                "Uses a calming step instead of leaving the room", 2, 6, start + 12 * WEEK
            ),
        )
        add(
            plan,
            "self-monitoring",
            _deliverer(direct, teacher, counsellor),
            Frequency.DAILY,
            5,
            start,
        )
        add(plan, "brief-counselling", counsellor, Frequency.WEEKLY, 30, start)
        _contacts(
            plan,
            counsellor,
            [
                (start + dt.timedelta(days=d), ContactKind.INDIVIDUAL, 30)
                for d in (2, 9, 16, 30, 44)
            ],
        )
        _checks(plan, counsellor, start, [3, 4, 5, 6, 7, 6.5], every=10)
        services.review_decide(
            plan=plan,
            by=counsellor,
            decision=Decision.CLOSE,
            outcome=Outcome.MET,
            today=start + 10 * WEEK,
        )
    if stdout is not None:
        stdout.write(f"Support plans: {SupportPlan.objects.filter(school=school).count()}.")
