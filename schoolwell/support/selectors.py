"""Reads of support plans, always scoped to the user asking (through the gate)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.roster.models import Student
from schoolwell.roster.selectors import visible_students
from schoolwell.support.models import (
    Goal,
    PlanIntervention,
    PlanStatus,
    ProgressCheck,
    ReviewDecision,
    Suggestion,
    SupportContact,
    SupportPlan,
)
from schoolwell.support.outcomes import GoalOutcome, goal_outcome, threshold_for
from schoolwell.support.suggestion import GoalSuggestion, goal_suggestion, plan_suggestion

# A plan whose last contact is older than this is due a follow-up.
FOLLOW_UP_DAYS = 14
# Reviews due within this many days show on the counsellor's home page.
REVIEW_SOON_DAYS = 7


def staff_plans(user: User) -> QuerySet[SupportPlan]:
    """Plans of the schools the user counsels or administers."""
    return SupportPlan.objects.filter(school_id__in=gate.school_ids(user, "support.plan.view"))


def plan_list(*, user: User, status: str = PlanStatus.ACTIVE, mine: bool = False):
    plans = staff_plans(user).select_related("student", "owner", "school")
    if status in PlanStatus.values:
        plans = plans.filter(status=status)
    if mine:
        plans = plans.filter(owner=user)
    return plans.order_by("next_review_on", "pk")


def plan_for_staff(*, user: User, pk: int) -> SupportPlan:
    """One plan of the user's schools with everything its page shows; 404 otherwise."""
    plan = (
        staff_plans(user)
        .select_related("student__school", "owner", "referral")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.prefetch_related("checks")),
            Prefetch(
                "interventions",
                queryset=PlanIntervention.objects.select_related("intervention", "delivered_by"),
            ),
            Prefetch("reviews", queryset=ReviewDecision.objects.select_related("by")),
        )
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def plan_contacts(plan: SupportPlan) -> list[SupportContact]:
    return list(plan.contacts.select_related("by").order_by("-date", "-pk"))


def staff_student(*, user: User, pk: int) -> Student:
    """A student of a school the user counsels (plans are started by counsellors); 404."""
    student = (
        Student.objects.filter(school_id__in=gate.school_ids(user, "support.plan.edit"))
        .select_related("school")
        .filter(pk=pk)
        .first()
    )
    if student is None:
        raise Http404
    return student


@dataclass(frozen=True)
class GoalReview:
    goal: Goal
    result: GoalSuggestion
    outcome: GoalOutcome


@dataclass(frozen=True)
class PlanReview:
    suggestion: Suggestion
    goals: list[GoalReview]


def goal_review(goal: Goal) -> GoalReview:
    """Suggestion and outcome of one goal from its checks (prefetched where possible)."""
    values = [c.value for c in sorted(goal.checks.all(), key=lambda c: (c.date, c.pk))]
    result = goal_suggestion(
        baseline=goal.baseline, target=goal.target, direction=goal.direction, values=values
    )
    outcome = goal_outcome(
        baseline=goal.baseline,
        latest=values[-1] if values else None,
        direction=goal.direction,
        threshold=threshold_for(goal),
    )
    return GoalReview(goal, result, outcome)


def plan_review(plan: SupportPlan) -> PlanReview:
    goals = [goal_review(g) for g in plan.goals.all()]
    return PlanReview(plan_suggestion([g.result for g in goals]), goals)


def student_plans(*, user: User, student: Student) -> list[SupportPlan]:
    return list(
        staff_plans(user)
        .filter(student=student)
        .select_related("owner")
        .order_by("-start_date", "-pk")
    )


def teacher_parts(*, user: User, student: Student | None = None) -> list[PlanIntervention]:
    """Interventions the teacher delivers on active plans of students they still teach:
    their part of a plan, without goals, data or notes."""
    parts = PlanIntervention.objects.filter(
        delivered_by=user,
        plan__status=PlanStatus.ACTIVE,
        plan__student__in=visible_students(user),
    ).select_related("intervention", "plan__student")
    if student is not None:
        parts = parts.filter(plan__student=student)
    return list(parts.order_by("plan__student__family_name", "pk")[:50])


def reviews_due(*, user: User, today: dt.date) -> list[SupportPlan]:
    """The user's own active plans with a review due within a week (or overdue)."""
    return list(
        SupportPlan.objects.filter(
            owner=user,
            status=PlanStatus.ACTIVE,
            school_id__in=gate.school_ids(user, "support.plan.edit"),
            next_review_on__lte=today + dt.timedelta(days=REVIEW_SOON_DAYS),
        )
        .select_related("student")
        .order_by("next_review_on", "pk")[:20]
    )


def follow_ups_due(*, user: User, today: dt.date) -> list[SupportPlan]:
    """The user's own active plans with no contact for FOLLOW_UP_DAYS (or none at all)."""
    last = (
        SupportContact.objects.filter(plan=OuterRef("pk"))
        .order_by()
        .values("plan")
        .annotate(last=Max("date"))
        .values("last")
    )
    cutoff = today - dt.timedelta(days=FOLLOW_UP_DAYS)
    return list(
        SupportPlan.objects.filter(
            owner=user,
            status=PlanStatus.ACTIVE,
            school_id__in=gate.school_ids(user, "support.plan.edit"),
        )
        .annotate(last_contact=Subquery(last))
        .filter(Q(last_contact__lt=cutoff) | Q(last_contact__isnull=True, start_date__lt=cutoff))
        .select_related("student")
        .order_by("last_contact", "pk")[:20]
    )


def latest_checks(goal_ids) -> dict[int, ProgressCheck]:
    """The most recent check of each goal (one query)."""
    newest = ProgressCheck.objects.filter(goal=OuterRef("goal")).order_by("-date", "-pk")
    rows = ProgressCheck.objects.filter(goal_id__in=goal_ids, pk=Subquery(newest.values("pk")[:1]))
    return {c.goal_id: c for c in rows}
