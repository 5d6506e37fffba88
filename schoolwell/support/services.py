"""Writes of support plans. Each service checks the gate (access.py), runs in one
transaction and leaves the plan consistent; views, the demo and hooks call them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.accounts.models import User
from schoolwell.roster.models import Student
from schoolwell.roster.selectors import school_staff, visible_students
from schoolwell.support import access
from schoolwell.support.models import (
    STUDENT_CONTACT_KINDS,
    CheckSource,
    Decision,
    Direction,
    Goal,
    Intervention,
    Measure,
    Outcome,
    PlanIntervention,
    PlanStatus,
    ProgressCheck,
    ReviewDecision,
    SupportContact,
    SupportPlan,
    Tier,
)

RATING_RANGE = (0, 10)
CHECKIN_RANGE = (1, 5)


class SupportError(ValueError):
    """A refused change: the message is shown to the user, nothing was written."""

    status_code = 400


def _require_manage(user: User, school_id: int) -> None:
    if not access.may_manage(user, school_id):
        raise SupportError(_("Only the school's counsellors can change support plans."))


def _school_counsellor_ids(school) -> set[int]:
    return {u.pk for u in school_staff(school)["counsellor"]}


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


def _require_active(plan: SupportPlan) -> None:
    if plan.status != PlanStatus.ACTIVE:
        raise SupportError(_("This plan is closed."))


def _backfill(goal: Goal) -> None:
    """Data already collected since the plan started counts for a new goal."""
    if goal.measure == Measure.INSTRUMENT:
        from schoolwell.screening.models import ScreeningResult

        results = ScreeningResult.objects.filter(
            student_id=goal.plan.student_id,
            instrument__code=goal.instrument_code,
            administered_at__date__gte=goal.plan.start_date,
            total__isnull=False,
        )
        for result in results:
            _result_check(goal, result)
    elif goal.measure == Measure.CHECKIN_WEEK:
        from schoolwell.screening.models import CheckIn

        days = CheckIn.objects.filter(
            student_id=goal.plan.student_id, date__gte=goal.plan.start_date
        ).values_list("date", flat=True)
        for monday in sorted({_monday(day) for day in days}):
            _week_sync([goal], goal.plan.student_id, monday)


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
def contact_log(
    *,
    by: User,
    date: dt.date,
    kind: str,
    minutes: int,
    attended: bool,
    note: str = "",
    plan: SupportPlan | None = None,
    referral=None,
) -> SupportContact:
    """Log a contact. The referral's earliest attended contact with the student themself is
    its first contact (distinct from claiming): the program measures time to it."""
    if plan is None and referral is None:
        raise SupportError(_("A contact belongs to a plan or a referral."))
    if plan is not None and referral is not None and plan.referral_id != referral.pk:
        raise SupportError(_("That referral is not this plan's."))
    referral = referral or (plan.referral if plan is not None else None)
    student_id = plan.student_id if plan is not None else referral.student_id
    school_id = plan.school_id if plan is not None else referral.school_id
    _require_manage(by, school_id)
    if date > timezone.localdate():
        raise SupportError(_("A contact cannot be in the future."))
    contact = SupportContact(
        student_id=student_id,
        plan=plan,
        referral=referral,
        date=date,
        kind=kind,
        minutes=minutes,
        attended=attended,
        note=note,
        by=by,
    )
    if referral is not None and attended and kind in STUDENT_CONTACT_KINDS:
        from schoolwell.referrals.models import Referral

        # Serialise first-contact marking per referral (two counsellors logging at once).
        Referral.objects.select_for_update().filter(pk=referral.pk).first()
        current = SupportContact.objects.filter(referral=referral, first_contact=True).first()
        if current is None or date < current.date:
            if current is not None:
                SupportContact.objects.filter(pk=current.pk).update(first_contact=False)
            contact.first_contact = True
    contact.save()
    return contact


@transaction.atomic
def progress_check_add(*, goal: Goal, by: User, date: dt.date, value: float) -> ProgressCheck:
    """A counsellor's rating. Instrument and check-in goals take their points from
    screening results and check-ins, never typed in."""
    plan = goal.plan
    _require_manage(by, plan.school_id)
    _require_active(plan)
    if goal.measure != Measure.RATING:
        raise SupportError(_("This goal's points come from its measure; none can be typed in."))
    low, high = RATING_RANGE
    if not low <= value <= high:
        raise SupportError(
            _("A rating is between %(low)s and %(high)s.") % {"low": low, "high": high}
        )
    if date > timezone.localdate() or date < plan.start_date:
        raise SupportError(_("The date must be between the plan's start and today."))
    return ProgressCheck.objects.create(
        goal=goal, date=date, value=value, source=CheckSource.RATING, by=by
    )


# Hooks: screening and check-ins become progress checks -----------------------------------


def _result_check(goal: Goal, result) -> None:
    ProgressCheck.objects.get_or_create(
        goal=goal,
        screening_result=result,
        defaults={
            "date": timezone.localdate(result.administered_at),
            "value": result.total,
            "source": CheckSource.SCREENING,
        },
    )


def screening_result_progress(result) -> None:
    """Registered as a screening hook: a re-administered instrument (kiosk or link) is a
    data point of every active goal measured by it."""
    if result.total is None:
        return
    goals = Goal.objects.filter(
        measure=Measure.INSTRUMENT,
        instrument_code=result.instrument.code,
        plan__student_id=result.student_id,
        plan__status=PlanStatus.ACTIVE,
        plan__start_date__lte=timezone.localdate(result.administered_at),
    ).select_related("plan")
    for goal in goals:
        _result_check(goal, result)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _week_sync(goals: Iterable[Goal], student_id: int, monday: dt.date) -> None:
    from schoolwell.screening.models import CheckIn

    week = CheckIn.objects.filter(
        student_id=student_id,
        date__gte=monday,
        date__lt=monday + dt.timedelta(days=7),
        wellbeing__isnull=False,
    ).aggregate(mean=Avg("wellbeing"), n=Count("pk"))
    for goal in goals:
        if week["n"]:
            ProgressCheck.objects.update_or_create(
                goal=goal,
                date=monday,
                source=CheckSource.CHECKINS,
                defaults={"value": round(week["mean"], 2), "n": week["n"]},
            )
        else:  # every check-in of the week corrected to absent
            ProgressCheck.objects.filter(
                goal=goal, date=monday, source=CheckSource.CHECKINS
            ).delete()


def checkins_progress(checkins) -> None:
    """Registered as a check-in hook: the week's teacher check-in average is the data point
    of goals measured by it (dated on the week's Monday, recomputed on every entry)."""
    weeks = {(c.student_id, _monday(c.date)) for c in checkins}
    if not weeks:
        return
    goals = list(
        Goal.objects.filter(
            measure=Measure.CHECKIN_WEEK,
            plan__student_id__in={student for student, _week in weeks},
            plan__status=PlanStatus.ACTIVE,
        ).select_related("plan")
    )
    for student_id, monday in weeks:
        mine = [
            g
            for g in goals
            if g.plan.student_id == student_id
            and g.plan.start_date <= monday + dt.timedelta(days=6)
        ]
        if mine:
            _week_sync(mine, student_id, monday)


# Reviews -----------------------------------------------------------------------------------


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
    return record
