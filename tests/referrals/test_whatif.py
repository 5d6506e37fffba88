"""What-if replay: figures against a replay worked out by hand, and the same verdicts as the
live hooks (one evaluation serves both)."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from schoolwell.referrals.models import DueUnit, Priority, Referral, RuleKind, ThresholdRule
from schoolwell.referrals.rules import checkins_evaluate, rules_forget, screening_result_evaluate
from schoolwell.referrals.whatif import rule_copy, rule_whatif
from schoolwell.screening.models import CheckIn, ScreeningResult
from schoolwell.screening.services import instrument_sync
from tests.conftest import make_student

# Thursday of the second replayed week; the replay of 2 weeks starts Monday 2026-11-09.
TODAY = dt.date(2026, 11, 19)
WEEK1 = dt.date(2026, 11, 9)
WEEK2 = dt.date(2026, 11, 16)


def _rule(school, code, **values) -> ThresholdRule:
    values.setdefault("due_within", 10)
    values.setdefault("due_unit", DueUnit.SCHOOL_DAYS)
    return ThresholdRule.objects.create(school=school, code=code, **values)


def _phqa(student, total, day, teacher, phqa):
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    return ScreeningResult.objects.create(
        student=student,
        instrument=phqa,
        answers={},
        total=total,
        band="",
        subscales={},
        scores={},
        complete=True,
        respondent="student",
        administered_by=teacher,
        administered_at=at,
    )


@pytest.fixture
def history(school_a, teacher, counsellor):
    """Four students of school A, by hand:

    s1: PHQ-A 16 on Tue of week 1; s2: PHQ-A 12 and s3: PHQ-A 9 on Tue of week 2;
    s4: wellbeing 2, 1, 2 on Mon–Wed of week 2 (three low days within 10 school days);
    a PHQ-A of 20 three weeks earlier (outside the replay) for s3.
    """
    students = [make_student(school_a, f"W{n}", family_name=f"Whatif{n}") for n in range(1, 5)]
    s1, s2, s3, s4 = students
    phqa = {i.code: i for i in instrument_sync()}["phq-a"]
    results = [
        _phqa(s3, 20, WEEK1 - dt.timedelta(days=20), teacher, phqa),
        _phqa(s1, 16, WEEK1 + dt.timedelta(days=1), teacher, phqa),
        _phqa(s2, 12, WEEK2 + dt.timedelta(days=1), teacher, phqa),
        _phqa(s3, 9, WEEK2 + dt.timedelta(days=1), teacher, phqa),
    ]
    checkins = [
        CheckIn.objects.create(
            student=s4, teacher=teacher, date=WEEK2 + dt.timedelta(days=n), wellbeing=w
        )
        for n, w in enumerate([2, 1, 2])
    ]
    rules = {
        "phqa": _rule(
            school_a,
            "phqa",
            kind=RuleKind.SCORE_TOTAL,
            instrument_code="phq-a",
            threshold=15,
            priority=Priority.HIGH,
        ),
        "low": _rule(
            school_a,
            "low",
            kind=RuleKind.CHECKIN_LOW,
            threshold=2,
            count=3,
            window_school_days=10,
            priority=Priority.ROUTINE,
        ),
    }
    return {"students": students, "results": results, "checkins": checkins, "rules": rules}


def test_lowering_a_threshold_by_hand(history, school_a):
    s1, s2, s3, s4 = history["students"]
    proposed = rule_copy(history["rules"]["phqa"])
    proposed.threshold = Decimal(10)
    whatif = rule_whatif(school=school_a, proposed=proposed, weeks=2, today=TODAY)
    assert whatif.weeks == [WEEK1, WEEK2]
    assert whatif.counsellors == 1
    # Current: s1 (high, week 1) and s4 (routine, week 2). s3's 20 is before the replay.
    assert whatif.current.referrals == 2
    assert whatif.current.by_priority == {Priority.URGENT: 0, Priority.HIGH: 1, Priority.ROUTINE: 1}
    assert whatif.current.by_week == {WEEK1: 1, WEEK2: 1}
    # Proposed: s2's 12 now counts too; s3's 9 still does not.
    assert whatif.proposed.referrals == 3
    assert whatif.proposed.by_priority[Priority.HIGH] == 2
    assert whatif.proposed.by_week == {WEEK1: 1, WEEK2: 2}
    assert whatif.newly_flagged == [s2.pk]
    assert whatif.no_longer_flagged == []
    assert whatif.current.rule_students == {s1.pk}
    assert whatif.proposed.rule_students == {s1.pk, s2.pk}
    # One counsellor, two weeks: 2 → 1.0 and 3 → 1.5 referrals per counsellor per week.
    assert whatif.per_counsellor_per_week(whatif.current) == 1.0
    assert whatif.per_counsellor_per_week(whatif.proposed) == 1.5
    # Nothing was written.
    assert not Referral.objects.exists()
    history["rules"]["phqa"].refresh_from_db()
    assert history["rules"]["phqa"].threshold == 15


def test_disabling_and_tightening_a_checkin_rule(history, school_a):
    s4 = history["students"][3]
    off = rule_copy(history["rules"]["low"])
    off.active = False
    whatif = rule_whatif(school=school_a, proposed=off, weeks=2, today=TODAY)
    assert whatif.no_longer_flagged == [s4.pk]
    assert whatif.proposed.referrals == 1
    stricter = rule_copy(history["rules"]["low"])
    stricter.count = 4  # only three low days
    assert rule_whatif(school=school_a, proposed=stricter, weeks=2, today=TODAY).no_longer_flagged
    looser = rule_copy(history["rules"]["low"])
    looser.threshold = Decimal(1)  # only one day at 1
    looser.count = 1
    whatif = rule_whatif(school=school_a, proposed=looser, weeks=2, today=TODAY)
    assert whatif.no_longer_flagged == [] and whatif.proposed.rule_students == {s4.pk}


def test_a_new_rule_is_added_to_the_current_ones(history, school_a):
    s3 = history["students"][2]
    new = ThresholdRule(
        school=school_a,
        kind=RuleKind.SCORE_TOTAL,
        instrument_code="phq-a",
        threshold=5,
        priority=Priority.ROUTINE,
        due_within=10,
        due_unit=DueUnit.SCHOOL_DAYS,
        active=True,
    )
    whatif = rule_whatif(school=school_a, proposed=new, weeks=2, today=TODAY)
    assert new.pk is None  # the caller's rule is untouched
    assert set(whatif.newly_flagged) == {history["students"][1].pk, s3.pk}
    # s1 already had a high referral from the 16; the new routine rule adds only a reason.
    assert whatif.proposed.by_priority[Priority.HIGH] == 1
    assert whatif.proposed.referrals == 4
    assert whatif.proposed.flagged[s3.pk] == (WEEK2, Priority.ROUTINE)
    # Five weeks back (from Monday 2026-10-19) reach s3's 20 of 2026-10-20: flagged earlier.
    longer = rule_whatif(school=school_a, proposed=new, weeks=5, today=TODAY)
    # (the 20 is over the current high rule too)
    assert longer.proposed.flagged[s3.pk] == (dt.date(2026, 10, 19), Priority.HIGH)
    assert longer.proposed.referrals == 4


def test_the_replay_agrees_with_the_live_hooks(history, school_a):
    """Run the same history through the live hooks in time order: the same students get a
    referral as the replay flags with the current rules."""
    whatif = rule_whatif(
        school=school_a, proposed=rule_copy(history["rules"]["low"]), weeks=2, today=TODAY
    )
    rules_forget()
    for result in history["results"][1:]:
        screening_result_evaluate(result)
    for checkin in history["checkins"]:
        checkins_evaluate([checkin])
    live = set(Referral.objects.values_list("student_id", flat=True))
    assert live == set(whatif.current.flagged)


def test_rule_whatif_command_prints_json(history, school_a):
    out = io.StringIO()
    rule = history["rules"]["phqa"]
    call_command(
        "rule_whatif",
        str(rule.pk),
        "--weeks",
        "2",
        "--until",
        TODAY.isoformat(),
        "--set",
        "threshold=10",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert set(data) >= {
        "current",
        "proposed",
        "newly_flagged",
        "no_longer_flagged",
        "per_counsellor_per_week",
    }
    assert data["current"]["referrals"] == 2 and data["proposed"]["referrals"] == 3
    assert data["proposed"]["by_priority"] == {"urgent": 0, "high": 2, "routine": 1}
    assert data["newly_flagged"] == [history["students"][1].pk]
    assert data["no_longer_flagged"] == []
    assert [w["proposed_referrals"] for w in data["per_counsellor_per_week"]] == [1, 2]
    assert [w["current"] for w in data["per_counsellor_per_week"]] == [1.0, 1.0]


def test_rule_whatif_command_refuses_bad_input(history):
    from django.core.management.base import CommandError

    rule = history["rules"]["phqa"]
    with pytest.raises(CommandError):
        call_command("rule_whatif", "999999")
    with pytest.raises(CommandError):
        call_command("rule_whatif", str(rule.pk), "--set", "colour=red")
    with pytest.raises(CommandError):
        call_command("rule_whatif", str(rule.pk), "--set", "threshold=lots")


def test_a_new_concern_tag_rule_reads_the_tags(history, school_a, teacher):
    s2 = history["students"][1]
    CheckIn.objects.create(
        student=s2, teacher=teacher, date=WEEK1, wellbeing=3, tags=["withdrawn", "tired"]
    )
    new = ThresholdRule(
        school=school_a,
        kind=RuleKind.CONCERN_TAG,
        tags=["withdrawn"],
        priority=Priority.HIGH,
        due_within=2,
        due_unit=DueUnit.SCHOOL_DAYS,
        active=True,
    )
    whatif = rule_whatif(school=school_a, proposed=new, weeks=2, today=TODAY)
    assert whatif.proposed.rule_students == {s2.pk}
    # s2 is now flagged in week 1 (high) instead of week 2 by the PHQ-A.
    assert whatif.proposed.flagged[s2.pk] == (WEEK1, Priority.HIGH)
    assert whatif.current.flagged.get(s2.pk) is None


def test_a_critical_answer_in_the_replay_is_urgent(history, school_a, teacher):
    """A result with a critical answer is replayed like the live hook (the replay once
    failed on it: the light result it builds lacked the answers the reason cites)."""
    s3 = history["students"][2]
    result = history["results"][3]  # s3's 9, Tuesday of week 2
    result.answers, result.critical = {"item9": 2}, True
    result.save(update_fields=["answers", "critical"])
    new = ThresholdRule(
        school=school_a,
        kind=RuleKind.CRITICAL,
        priority=Priority.URGENT,
        due_within=1,
        due_unit=DueUnit.HOURS,
        active=True,
    )
    whatif = rule_whatif(school=school_a, proposed=new, weeks=2, today=TODAY)
    assert whatif.newly_flagged == [s3.pk]
    assert whatif.proposed.flagged[s3.pk] == (WEEK2, Priority.URGENT)
    assert whatif.proposed.by_priority[Priority.URGENT] == 1
