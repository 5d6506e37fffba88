"""Threshold rule evaluation, called by screening's services inside their transaction
(core.registry hooks) when a screening result or a batch of check-ins is saved.

What fires is decided by `referrals.evaluation` (shared with the what-if replay); this
module reads what it needs and writes. Cost is independent of how long a student's history
is: check-in rules read only the last D school days / 4 weeks of check-ins through the
(student, date) index, in one query per day of the batch for all rules together.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from schoolwell.referrals import evaluation
from schoolwell.referrals.models import OPEN_STATUSES, ReferralReason, RuleKind, ThresholdRule
from schoolwell.referrals.models.rules import CHECKIN_KINDS, SCREENING_KINDS, VOICE_KINDS
from schoolwell.referrals.services import Trigger, referral_trigger
from schoolwell.roster.models import Student


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
        # One school's rules in the model's order without its join to the school (its name
        # leads the default ordering, the same for every row here).
        cached[1][school_id] = list(
            ThresholdRule.objects.filter(school_id=school_id, active=True).order_by(
                "priority", "code"
            )
        )
    return [rule for rule in cached[1][school_id] if rule.kind in kinds]


def rules_forget() -> None:
    """Drop this transaction's copy of the rules (after editing rules inside it)."""
    transaction.get_connection().__dict__.pop("_schoolwell_threshold_rules", None)


def screening_result_evaluate(result) -> None:
    """Hook for a saved ScreeningResult: open or add to the student's referral."""
    student = result.student
    fires = evaluation.screening_fires(_rules(student.school_id, SCREENING_KINDS), result)
    if fires:  # nothing fired: no query, no savepoint (a class grid calls this per row)
        referral_trigger(
            student=student,
            triggers=[
                Trigger.from_rule(f.rule, key=f.key, code=f.code, params=f.params) for f in fires
            ],
        )


def _histories(student_ids, day: dt.date, days: int) -> dict[int, evaluation.History]:
    """The students' check-ins of the `days` days up to `day`, in one query."""
    from schoolwell.screening.models import CheckIn

    rows = defaultdict(list)
    for student_id, date, wellbeing, absent in (
        CheckIn.objects.filter(
            student_id__in=student_ids, date__gte=day - dt.timedelta(days=days), date__lte=day
        )
        .order_by()
        .values_list("student_id", "date", "wellbeing", "absent")
    ):
        rows[student_id].append((date, wellbeing, absent))
    return {student_id: evaluation.History(found) for student_id, found in rows.items()}


def checkins_evaluate(checkins) -> None:
    """Hook for a batch of saved check-ins (usually one class on one day)."""
    by_student: dict[int, list[Trigger]] = defaultdict(list)
    schools: dict[int, list] = defaultdict(list)
    # The saving service usually hands over its students with the check-ins: no re-read.
    known = {c.student_id: c.student for c in checkins if type(c).student.is_cached(c)}
    student_school = {pk: s.school_id for pk, s in known.items()}
    missing = {c.student_id for c in checkins} - set(known)
    if missing:
        student_school.update(
            Student.objects.filter(pk__in=missing).order_by().values_list("pk", "school_id")
        )
    for checkin in checkins:
        schools[student_school[checkin.student_id]].append(checkin)
    for school_id, batch in schools.items():
        rules = _rules(school_id, CHECKIN_KINDS)
        if not rules:
            continue
        patterns = [r for r in rules if r.kind != RuleKind.CONCERN_TAG]
        for day in {c.date for c in batch}:
            todays = [c for c in batch if c.date == day]
            rated = {c.student_id for c in todays if c.wellbeing is not None}
            histories = (
                _histories(rated, day, evaluation.history_days(patterns))
                if patterns and rated
                else {}
            )
            for checkin in todays:
                for fire in evaluation.checkin_fires(
                    rules, checkin, histories.get(checkin.student_id)
                ):
                    by_student[checkin.student_id].append(
                        Trigger.from_rule(
                            fire.rule, key=fire.key, code=fire.code, params=fire.params
                        )
                    )
    by_student = _unknown(by_student)
    students = {pk: known[pk] for pk in by_student if pk in known}
    if len(students) < len(by_student):
        students |= Student.objects.in_bulk([pk for pk in by_student if pk not in known])
    for student_id, triggers in by_student.items():
        referral_trigger(student=students[student_id], triggers=triggers)


def _unknown(by_student: dict[int, list[Trigger]]) -> dict[int, list[Trigger]]:
    """The triggers that are not yet a reason of their student's open referral, read in one
    query. A pattern rule fires again at every save while the pattern holds, and rule 3 makes
    a known reason a no-op: without this, each such student would cost a savepoint, a lock
    and a read of the referral's reasons in every save of their class."""
    if not by_student:
        return by_student
    known = set(
        ReferralReason.objects.filter(
            referral__student_id__in=by_student, referral__status__in=OPEN_STATUSES
        ).values_list("referral__student_id", "trigger_key")
    )
    unknown = {}
    for student_id, triggers in by_student.items():
        fresh = [t for t in triggers if (student_id, t.trigger_key) not in known]
        if fresh:
            unknown[student_id] = fresh
    return unknown


def voice_checkin(date: dt.date, feeling: str, topics, low_feelings) -> evaluation.VoiceCheckIn:
    """How the rules read a student's own check-in, live and in the what-if replay alike."""
    from schoolwell.voice.models import SCORE, Topic

    return evaluation.VoiceCheckIn(
        date, SCORE.get(feeling, 3), feeling in low_feelings, Topic.FEELING_UNSAFE in (topics or [])
    )


def voice_rows(student_ids, start: dt.date, end: dt.date, low_feelings) -> dict[int, list]:
    """The students' current own check-ins (schoolwell.voice) of [start, end] as
    `VoiceCheckIn`s in date order, in one query."""
    from schoolwell.voice.selectors import current_checkins

    low = set(low_feelings)
    rows = defaultdict(list)
    for student_id, date, feeling, topics in (
        current_checkins()
        .filter(student_id__in=student_ids, date__gte=start, date__lte=end)
        .order_by("date")
        .values_list("student_id", "date", "feeling", "topics")
    ):
        rows[student_id].append(voice_checkin(date, feeling, topics, low))
    return rows


def voice_checkin_evaluate(checkin, low_feelings) -> None:
    """Hook for a student's own saved check-in: the school's student-voice rules."""
    rules = _rules(checkin.school_id, VOICE_KINDS)
    if not rules:
        return
    days = evaluation.voice_history_days(rules)
    rows = voice_rows(
        [checkin.student_id], checkin.date - dt.timedelta(days=days), checkin.date, low_feelings
    )
    history = evaluation.VoiceHistory(rows.get(checkin.student_id, []))
    own = voice_checkin(checkin.date, checkin.feeling, checkin.topics, set(low_feelings))
    fires = evaluation.voice_fires(rules, own, history)
    if fires:
        referral_trigger(
            student=checkin.student,
            triggers=[
                Trigger.from_rule(f.rule, key=f.key, code=f.code, params=f.params) for f in fires
            ],
        )
