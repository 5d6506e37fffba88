"""Progress data: counsellor ratings typed in, and the hooks through which screening
results and teacher check-ins become goals' data points."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.accounts.models import User
from schoolwell.core.figures import school_figures_changed
from schoolwell.support.models import (
    CheckSource,
    Goal,
    Measure,
    PlanStatus,
    ProgressCheck,
)
from schoolwell.support.services._common import (
    RATING_RANGE,
    SupportError,
    _require_active,
    _require_manage,
)


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
    school_figures_changed([plan.school_id])  # plans improved/unchanged/worse
    return ProgressCheck.objects.create(
        goal=goal, date=date, value=value, source=CheckSource.RATING, by=by
    )


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
    # Plans improved/unchanged/worse on the dashboards (an ordinary check-in changes none of
    # their figures, so it leaves the dashboards' cache warm).
    school_figures_changed({goal.plan.school_id for goal in goals})


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
