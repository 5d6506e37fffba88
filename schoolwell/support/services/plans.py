"""Plans, goals, interventions and review decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.core.figures import school_figures_changed
from schoolwell.roster.models import Student
from schoolwell.roster.selectors import visible_students
from schoolwell.support.models import (
    Decision,
    Direction,
    Goal,
    Intervention,
    Measure,
    Outcome,
    PlanIntervention,
    PlanStatus,
    ReviewDecision,
    SupportPlan,
    Tier,
)
from schoolwell.support.services._common import (
    CHECKIN_RANGE,
    RATING_RANGE,
    SupportError,
    _require_active,
    _require_manage,
)
from schoolwell.support.services.progress import _backfill


def _school_counsellor_ids(school) -> set[int]:
    return set(gate.counsellors_of([school.pk]).values_list("pk", flat=True))


@dataclass(frozen=True)
class GoalInput:
    description: str
    measure: str
    baseline: float
    target: float
    by_date: dt.date
    direction: str = ""
    instrument_code: str = ""


def goal_direction(measure: str, instrument_code: str, given: str) -> str:
    """Instruments say which way is better in their fixture; check-ins and ratings: higher."""
    if measure == Measure.INSTRUMENT:
        change = _instrument_change(instrument_code)
        if change:
            return change["better"]
        if given:
            return given
        raise SupportError(_("Say whether a lower or a higher score is better."))
    return given or Direction.HIGHER


def _instrument_change(code: str) -> dict | None:
    from schoolwell.screening import instruments

    try:
        total = instruments.get(code)["scoring"].get("total")
    except instruments.UnknownInstrumentError as exc:
        raise SupportError(_("Unknown instrument.")) from exc
    if total is None:
        raise SupportError(_("This instrument has no total score to monitor."))
    return total.get("change")


def _check_goal(goal: GoalInput, *, start: dt.date) -> str:
    direction = goal_direction(goal.measure, goal.instrument_code, goal.direction)
    better = (
        goal.target < goal.baseline if direction == Direction.LOWER else goal.target > goal.baseline
    )
    if not better:
        raise SupportError(_("The target must be better than the baseline."))
    if goal.by_date <= start:
        raise SupportError(_("The goal's date must be after the plan starts."))
    low, high = {
        Measure.RATING: RATING_RANGE,
        Measure.CHECKIN_WEEK: CHECKIN_RANGE,
    }.get(goal.measure, (None, None))
    if low is not None and not (low <= goal.baseline <= high and low <= goal.target <= high):
        raise SupportError(
            _("Baseline and target must be between %(low)s and %(high)s.")
            % {"low": low, "high": high}
        )
    return direction


@transaction.atomic
def plan_create(
    *,
    student: Student,
    by: User,
    tier: int,
    concern_areas: Sequence[str],
    owner: User,
    start_date: dt.date,
    review_weeks: int = 6,
    referral=None,
    goal: GoalInput | None = None,
) -> SupportPlan:
    _require_manage(by, student.school_id)
    if owner.pk not in _school_counsellor_ids(student.school):
        raise SupportError(_("The plan's owner must be a counsellor of the student's school."))
    if referral is not None and referral.student_id != student.pk:
        raise SupportError(_("That referral is about another student."))
    if SupportPlan.objects.filter(student=student, status=PlanStatus.ACTIVE).exists():
        raise SupportError(_("This student already has an active support plan."))
    if tier not in Tier.values:
        raise SupportError(_("Choose tier 2 or tier 3."))
    if goal is not None:
        _check_goal(goal, start=start_date)
    plan = SupportPlan.objects.create(
        school_id=student.school_id,
        student=student,
        referral=referral,
        tier=tier,
        concern_areas=list(concern_areas),
        owner=owner,
        start_date=start_date,
        review_weeks=review_weeks,
        next_review_on=start_date + dt.timedelta(weeks=review_weeks),
        created_by=by,
    )
    if goal is not None:
        _goal_create(plan, goal)
    school_figures_changed([plan.school_id])  # support indicators on the dashboards
    return plan


def _goal_create(plan: SupportPlan, goal: GoalInput) -> Goal:
    direction = _check_goal(goal, start=plan.start_date)
    row = Goal.objects.create(
        plan=plan,
        description=goal.description,
        measure=goal.measure,
        instrument_code=goal.instrument_code if goal.measure == Measure.INSTRUMENT else "",
        direction=direction,
        baseline=goal.baseline,
        target=goal.target,
        by_date=goal.by_date,
    )
    _backfill(row)
    return row


@transaction.atomic
def goal_add(*, plan: SupportPlan, by: User, goal: GoalInput) -> Goal:
    _require_manage(by, plan.school_id)
    _require_active(plan)
    return _goal_create(plan, goal)


@transaction.atomic
def plan_intervention_add(
    *,
    plan: SupportPlan,
    by: User,
    intervention: Intervention,
    delivered_by: User,
    frequency: str,
    minutes: int,
    started_on: dt.date,
) -> PlanIntervention:
    _require_manage(by, plan.school_id)
    _require_active(plan)
    # Whoever delivers it must already be able to see the student (their teacher or the
    # school's staff): adding them to a plan never widens who sees a child.
    if not visible_students(delivered_by).filter(pk=plan.student_id).exists():
        raise SupportError(_("That person does not work with this student."))
    return PlanIntervention.objects.create(
        plan=plan,
        intervention=intervention,
        delivered_by=delivered_by,
        frequency=frequency,
        minutes=minutes,
        started_on=started_on,
    )


@transaction.atomic
def review_decide(
    *,
    plan: SupportPlan,
    by: User,
    decision: str,
    outcome: str = "",
    today: dt.date | None = None,
) -> ReviewDecision:
    """Record a review: the rule's suggestion (computed now, from the data) and the
    counsellor's decision, then apply the decision to the plan."""
    from schoolwell.support.selectors import plan_review

    _require_manage(by, plan.school_id)
    plan = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    _require_active(plan)
    today = today or timezone.localdate()
    review = plan_review(plan)
    tier_after = plan.tier
    closes = False
    if decision == Decision.MOVE_UP:
        if plan.tier != Tier.TARGETED:
            raise SupportError(_("Only a tier 2 plan can move to tier 3."))
        tier_after = Tier.INTENSIVE
    elif decision == Decision.STEP_DOWN:
        if plan.tier == Tier.INTENSIVE:
            tier_after = Tier.TARGETED
        else:  # tier 2 steps down to universal (tier 1) support: the plan ends
            closes, outcome = True, Outcome.STEPPED_DOWN
    elif decision == Decision.CLOSE:
        if outcome not in Outcome.values:
            raise SupportError(_("Choose the outcome of the plan."))
        closes = True
    elif decision not in (Decision.CONTINUE, Decision.INTENSIFY):
        raise SupportError(_("Choose a decision."))
    if not closes:
        outcome = ""
    record = ReviewDecision.objects.create(
        plan=plan,
        date=today,
        due_on=plan.next_review_on,
        suggestion=review.suggestion,
        decision=decision,
        tier_before=plan.tier,
        tier_after=tier_after,
        outcome=outcome,
        data={
            "goals": [
                {"goal": g.goal.pk, "points": g.result.points, "share": g.result.share_of_gap}
                for g in review.goals
            ]
        },
        by=by,
    )
    plan.tier = tier_after
    if closes:
        plan.status, plan.outcome, plan.closed_on = PlanStatus.CLOSED, outcome, today
    else:
        plan.next_review_on = today + dt.timedelta(weeks=plan.review_weeks)
    plan.save(update_fields=["tier", "status", "outcome", "closed_on", "next_review_on"])
    school_figures_changed([plan.school_id])
    return record
