"""Threshold rule evaluation, called by screening's services inside their transaction
(core.registry hooks) when a screening result or a batch of check-ins is saved.

Cost is independent of how long a student's history is: check-in rules read only the last
D school days / 4 weeks of check-ins through the (student, date) index, in one grouped
query per rule for the whole batch.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Avg, Count

from schoolwell.referrals import schooldays, texts
from schoolwell.referrals.models import ReasonCode, RuleKind, ThresholdRule
from schoolwell.referrals.models.rules import CHECKIN_KINDS, SCREENING_KINDS
from schoolwell.referrals.services import Trigger, referral_trigger
from schoolwell.roster.models import Student

BASELINE_DAYS = 28  # "the student's own rolling baseline of the last 4 weeks"
BASELINE_MIN_CHECKINS = 5  # fewer than this is not a baseline yet


def _rules(school_id: int, kinds) -> list[ThresholdRule]:
    """The school's active rules of these kinds, read once per transaction: screening calls
    the hook once per result, and a class grid of 60 results must not cost 60 reads."""
    connection = transaction.get_connection()
    # The on-commit list is replaced when a transaction ends (or a savepoint rolls back), and
    # the savepoint stack tells apart atomic blocks nested in one (as in tests): together
    # they identify the writing service's block. Outside a transaction nothing is shared.
    block = (connection.run_on_commit, tuple(connection.savepoint_ids))
    cached = getattr(connection, "_schoolwell_threshold_rules", None)
    fresh = (
        cached is not None
        and connection.in_atomic_block
        and cached[0][0] is block[0]
        and cached[0][1] == block[1]
    )
    if not fresh:
        cached = (block, {})
        if connection.in_atomic_block:
            connection._schoolwell_threshold_rules = cached
    if school_id not in cached[1]:
        cached[1][school_id] = list(ThresholdRule.objects.filter(school_id=school_id, active=True))
    return [rule for rule in cached[1][school_id] if rule.kind in kinds]


def rules_forget() -> None:
    """Drop this transaction's copy of the rules (after editing rules inside it)."""
    transaction.get_connection().__dict__.pop("_schoolwell_threshold_rules", None)


def _number(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _num(value: Decimal) -> str:
    """2.00 → "2", 2.50 → "2.5": thresholds as a reason's parameters."""
    return f"{Decimal(value).normalize():f}"


def _band_key(band) -> str | None:
    """A band as stored by screening: a key, or {"key", "label"}."""
    if isinstance(band, dict):
        return band.get("key")
    return getattr(band, "key", band)


def _screening_match(rule: ThresholdRule, result) -> tuple[str, dict] | None:
    """The reason (code, params) if `rule` fires on `result`, else None."""
    code = result.instrument.code
    if rule.kind == RuleKind.CRITICAL:
        if result.critical and rule.instrument_code in ("", code):
            return ReasonCode.CRITICAL, texts.critical_params(result)
        return None
    if rule.instrument_code != code:
        return None
    if rule.kind == RuleKind.SCORE_TOTAL:
        total = _number(result.total)
        if result.complete and total is not None and total >= rule.threshold:
            return ReasonCode.SCORE_TOTAL, {
                "instrument": code,
                "total": result.total,
                "threshold": _num(rule.threshold),
            }
        return None
    subscale = (result.subscales or {}).get(rule.subscale) if rule.subscale else None
    if rule.kind == RuleKind.SUBSCALE:
        score = _number(subscale.get("score")) if subscale else None
        if score is not None and score >= rule.threshold:
            return ReasonCode.SUBSCALE, {
                "instrument": code,
                "subscale": rule.subscale,
                "score": str(subscale["score"]),
                "threshold": _num(rule.threshold),
            }
        return None
    if rule.kind == RuleKind.BAND:
        band = _band_key((subscale or {}).get("band") if rule.subscale else result.band)
        if band and band in rule.bands:
            return ReasonCode.BAND, {"instrument": code, "subscale": rule.subscale, "band": band}
    return None


def screening_result_evaluate(result) -> None:
    """Hook for a saved ScreeningResult: open or add to the student's referral."""
    student = result.student
    triggers = []
    for rule in _rules(student.school_id, SCREENING_KINDS):
        found = _screening_match(rule, result)
        if found:
            # Each result is its own reason: a later administration over the line is news.
            key = f"rule:{rule.pk}:result:{result.pk}"
            triggers.append(Trigger.from_rule(rule, key=key, code=found[0], params=found[1]))
    if triggers:  # nothing fired: no query, no savepoint (a class grid calls this per row)
        referral_trigger(student=student, triggers=triggers)


def _low_days(rule: ThresholdRule, student_ids, day: dt.date) -> dict[int, int]:
    """School days with a check-in at or below the threshold, per student, in the window."""
    from schoolwell.screening.models import CheckIn

    start = schooldays.window_start(day, rule.window_school_days)
    rows = (
        CheckIn.objects.filter(
            student_id__in=student_ids,
            date__gte=start,
            date__lte=day,
            absent=False,
            wellbeing__lte=rule.threshold,
            date__week_day__in=[2, 3, 4, 5, 6],  # Monday–Friday: school days only
        )
        .values("student_id")
        .annotate(days=Count("date", distinct=True))
        .order_by()
    )
    return {row["student_id"]: row["days"] for row in rows}


def _baselines(student_ids, day: dt.date) -> dict[int, tuple[Decimal, int]]:
    from schoolwell.screening.models import CheckIn

    rows = (
        CheckIn.objects.filter(
            student_id__in=student_ids,
            date__gte=day - dt.timedelta(days=BASELINE_DAYS),
            date__lt=day,
            absent=False,
            wellbeing__isnull=False,
        )
        .values("student_id")
        .annotate(mean=Avg("wellbeing"), n=Count("pk"))
        .order_by()
    )
    return {row["student_id"]: (_number(row["mean"]), row["n"]) for row in rows}


def checkins_evaluate(checkins) -> None:
    """Hook for a batch of saved check-ins (usually one class on one day)."""
    by_student: dict[int, list[Trigger]] = defaultdict(list)
    schools: dict[int, list] = defaultdict(list)
    student_school = dict(
        Student.objects.filter(pk__in={c.student_id for c in checkins})
        .order_by()
        .values_list("pk", "school_id")
    )
    for checkin in checkins:
        schools[student_school[checkin.student_id]].append(checkin)
    for school_id, batch in schools.items():
        rules = _rules(school_id, CHECKIN_KINDS)
        days = {c.date for c in batch}
        for rule in rules:
            if rule.kind == RuleKind.CONCERN_TAG:
                for checkin in batch:
                    for tag in sorted(set(checkin.tags or []) & set(rule.tags)):
                        by_student[checkin.student_id].append(
                            Trigger.from_rule(
                                rule,
                                key=f"rule:{rule.pk}:tag:{tag}",
                                code=ReasonCode.CONCERN_TAG,
                                params={"tag": tag},
                            )
                        )
                continue
            for day in days:
                todays = [c for c in batch if c.date == day and c.wellbeing is not None]
                ids = {c.student_id for c in todays}
                if not ids:
                    continue
                if rule.kind == RuleKind.CHECKIN_LOW:
                    low = _low_days(rule, ids, day)
                    for student_id, n in low.items():
                        if n >= rule.count:
                            params = {
                                "count": n,
                                "threshold": _num(rule.threshold),
                                "days": rule.window_school_days,
                            }
                            by_student[student_id].append(
                                Trigger.from_rule(
                                    rule,
                                    key=f"rule:{rule.pk}",
                                    code=ReasonCode.CHECKIN_LOW,
                                    params=params,
                                )
                            )
                elif rule.kind == RuleKind.CHECKIN_DROP:
                    baselines = _baselines(ids, day)
                    for checkin in todays:
                        mean, n = baselines.get(checkin.student_id, (None, 0))
                        if n < BASELINE_MIN_CHECKINS:
                            continue
                        if mean - Decimal(checkin.wellbeing) >= rule.threshold:
                            params = {"wellbeing": checkin.wellbeing, "baseline": f"{mean:.1f}"}
                            by_student[checkin.student_id].append(
                                Trigger.from_rule(
                                    rule,
                                    key=f"rule:{rule.pk}",
                                    code=ReasonCode.CHECKIN_DROP,
                                    params=params,
                                )
                            )
    students = Student.objects.in_bulk(list(by_student))
    for student_id, triggers in by_student.items():
        referral_trigger(student=students[student_id], triggers=triggers)
