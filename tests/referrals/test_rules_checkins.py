"""Threshold rules on check-ins: low check-ins within school days, a drop from the student's
own 4-week baseline, a concern tag — each fires at its boundary and not below; and the
evaluation reads only a bounded window of a student's history."""

import datetime as dt

import pytest

from schoolwell.referrals.models import Priority, Referral, ThresholdRule
from schoolwell.referrals.rules import checkins_evaluate, rules_forget
from schoolwell.referrals.schooldays import window_start
from schoolwell.screening.models import CheckIn

WED = dt.date(2026, 11, 18)


def checkin(student, teacher, klass, day, wellbeing=None, *, absent=False, tags=()):
    return CheckIn.objects.create(
        student=student,
        teacher=teacher,
        klass=klass,
        date=day,
        wellbeing=wellbeing,
        absent=absent,
        tags=list(tags),
    )


def fired(student):
    referral = Referral.objects.filter(student=student).first()
    return [] if referral is None else sorted(r.rule.code for r in referral.reasons.all())


@pytest.fixture
def only(rules_a):
    """Keep just the named default rules active, so each test sees one rule kind."""

    def _only(*codes):
        ThresholdRule.objects.exclude(code__in=codes).update(active=False)

    return _only


# --- "3 check-ins at 2 or below within 10 school days" -------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([2, 2, 3], []),  # two low days: not yet
        ([2, 2, 2], ["checkins-low"]),  # three low days: fires
        ([1, 3, 2, 2], ["checkins-low"]),
    ],
)
def test_low_checkins(only, student_a, teacher, class_a, values, expected):
    only("checkins-low")
    first = window_start(WED, len(values))  # consecutive school days ending on Wednesday
    days = [d for d in (first + dt.timedelta(days=i) for i in range(7)) if d.weekday() < 5]
    for day, value in zip(days, values, strict=False):
        checkins_evaluate([checkin(student_a, teacher, class_a, day, value)])
    assert fired(student_a) == expected


def test_low_checkins_outside_the_window_do_not_count(only, student_a, teacher, class_a):
    only("checkins-low")
    # The 10 school days ending on Wednesday 18 start on Thursday 5: the 4th is outside.
    checkin(student_a, teacher, class_a, dt.date(2026, 11, 4), 1)
    checkin(student_a, teacher, class_a, dt.date(2026, 11, 6), 1)
    today = checkin(student_a, teacher, class_a, WED, 2)
    checkins_evaluate([today])
    assert fired(student_a) == []
    # The 10th school day back (the 5th) is inside.
    checkin(student_a, teacher, class_a, dt.date(2026, 11, 5), 1)
    checkins_evaluate([today])
    assert fired(student_a) == ["checkins-low"]


def test_absent_is_not_a_low_checkin(only, student_a, teacher, class_a):
    only("checkins-low")
    checkin(student_a, teacher, class_a, WED - dt.timedelta(days=2), 2)
    checkin(student_a, teacher, class_a, WED - dt.timedelta(days=1), 2)
    checkins_evaluate([checkin(student_a, teacher, class_a, WED, absent=True)])
    assert fired(student_a) == []


# --- "a drop of 2 from the student's own 4-week baseline" -----------------------------------


def _baseline(student, teacher, klass, value, days=10):
    for i in range(1, days + 1):
        checkin(student, teacher, klass, WED - dt.timedelta(days=i), value)


@pytest.mark.parametrize(("today", "expected"), [(3, []), (2, ["checkins-drop"])])
def test_drop_from_baseline(only, student_a, teacher, class_a, today, expected):
    only("checkins-drop")
    _baseline(student_a, teacher, class_a, 4)  # baseline 4.0; a drop of 2 means 2 or less
    checkins_evaluate([checkin(student_a, teacher, class_a, WED, today)])
    assert fired(student_a) == expected


def test_no_baseline_yet_no_drop(only, student_a, teacher, class_a):
    only("checkins-drop")
    _baseline(student_a, teacher, class_a, 5, days=4)  # fewer than 5 check-ins
    checkins_evaluate([checkin(student_a, teacher, class_a, WED, 1)])
    assert fired(student_a) == []


def test_baseline_is_the_last_four_weeks_only(only, student_a, teacher, class_a):
    only("checkins-drop")
    for i in range(29, 60):  # high values more than 4 weeks ago do not count
        checkin(student_a, teacher, class_a, WED - dt.timedelta(days=i), 5)
    _baseline(student_a, teacher, class_a, 3)
    checkins_evaluate([checkin(student_a, teacher, class_a, WED, 2)])
    assert fired(student_a) == []


# --- "concern tag entered" --------------------------------------------------------------


def test_concern_tag(only, student_a, student_a2, teacher, class_a):
    only("concern-self-harm", "concern-disclosed")
    checkins_evaluate([checkin(student_a, teacher, class_a, WED, 4, tags=["tired"])])
    assert fired(student_a) == []
    checkins_evaluate(
        [
            checkin(
                student_a,
                teacher,
                class_a,
                WED + dt.timedelta(days=1),
                3,
                tags=["self_harm_concern"],
            )
        ]
    )
    referral = Referral.objects.get(student=student_a)
    assert referral.priority == Priority.URGENT
    assert fired(student_a) == ["concern-self-harm"]


def test_concern_tag_fires_even_when_absent(only, student_a, teacher, class_a):
    only("concern-safeguarding")
    checkins_evaluate(
        [checkin(student_a, teacher, class_a, WED, absent=True, tags=["safeguarding_concern"])]
    )
    assert fired(student_a) == ["concern-safeguarding"]


def test_the_same_pattern_again_adds_no_reason(only, student_a, teacher, class_a):
    only("checkins-low")
    for i in range(5):
        checkins_evaluate([checkin(student_a, teacher, class_a, WED + dt.timedelta(days=i), 1)])
    referral = Referral.objects.get(student=student_a)
    assert referral.reasons.count() == 1


# --- cost independent of history -----------------------------------------------------------


def test_queries_do_not_grow_with_history(
    rules_a, student_a, teacher, class_a, django_assert_max_num_queries
):
    def evaluate(day):
        saved = [checkin(student_a, teacher, class_a, day, 4)]
        rules_forget()  # read the rules afresh each time, so both calls do the same work
        with django_assert_max_num_queries(30) as captured:
            checkins_evaluate(saved)
        return len(captured.captured_queries)

    short = evaluate(WED)
    CheckIn.objects.bulk_create(
        CheckIn(
            student=student_a,
            teacher=teacher,
            klass=class_a,
            date=WED - dt.timedelta(days=i),
            wellbeing=4,
            absent=False,
            tags=[],
        )
        for i in range(1, 400)
    )
    assert evaluate(WED + dt.timedelta(days=1)) == short


def test_a_whole_class_costs_the_same_queries_as_one_student(
    rules_a, student_a, student_a2, teacher, class_a, django_assert_max_num_queries
):
    one = [checkin(student_a, teacher, class_a, WED, 4)]
    rules_forget()
    with django_assert_max_num_queries(30) as captured:
        checkins_evaluate(one)
    thursday = WED + dt.timedelta(days=1)
    both = [checkin(s, teacher, class_a, thursday, 4) for s in (student_a, student_a2)]
    rules_forget()
    with django_assert_max_num_queries(len(captured.captured_queries)):
        checkins_evaluate(both)


def test_patterns_that_keep_firing_cost_one_query_for_the_whole_class(
    only, school_a, teacher, class_a, django_assert_max_num_queries
):
    """Issue 13: a student whose low days keep the rule firing already has that reason on
    their open referral; a class save then reads the reasons once, not a lock and a read
    per student (and adds nothing)."""
    from tests.conftest import enroll, make_student

    only("checkins-low")
    students = [enroll(make_student(school_a, f"K{i}"), class_a).student for i in range(6)]
    days = [window_start(WED, 3) + dt.timedelta(days=i) for i in range(7)]
    days = [d for d in days if d.weekday() < 5][:3]
    for day in days:
        checkins_evaluate([checkin(s, teacher, class_a, day, 1) for s in students])
    assert all(fired(s) == ["checkins-low"] for s in students)

    def save(day, group):
        batch = [checkin(s, teacher, class_a, day, 1) for s in group]
        rules_forget()
        with django_assert_max_num_queries(30) as captured:
            checkins_evaluate(batch)
        return len(captured.captured_queries)

    thursday, friday = WED + dt.timedelta(days=1), WED + dt.timedelta(days=2)
    assert save(thursday, students[:1]) == save(friday, students)
    assert sorted(Referral.objects.values_list("reasons__rule__code", flat=True)) == [
        "checkins-low"
    ] * len(students)


def test_a_new_reason_is_still_added_to_a_student_whose_pattern_keeps_firing(
    only, student_a, teacher, class_a
):
    only("checkins-low", "concern-safeguarding")
    for i in range(3):
        checkins_evaluate([checkin(student_a, teacher, class_a, WED + dt.timedelta(days=i), 1)])
    assert fired(student_a) == ["checkins-low"]
    tagged = checkin(student_a, teacher, class_a, WED + dt.timedelta(days=5), 1)
    tagged.tags = ["safeguarding_concern"]
    tagged.save()
    checkins_evaluate([tagged])
    assert fired(student_a) == ["checkins-low", "concern-safeguarding"]
