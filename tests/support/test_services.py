"""Plan services: the gate per role, validation, first contact, progress data, reviews."""

import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from schoolwell.audit.models import AppendOnlyError
from schoolwell.support import services
from schoolwell.support.models import (
    CheckSource,
    ContactKind,
    Decision,
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
from tests.referrals.conftest import open_referral
from tests.support.conftest import add_checks, make_plan, rating_goal

TODAY = timezone.localdate


@pytest.mark.parametrize(
    "who", ["teacher", "other_counsellor", "school_admin", "district_admin", "parent", "outsider"]
)
def test_only_the_schools_counsellors_start_plans(request, who, student_a, counsellor):
    user = request.getfixturevalue(who)
    with pytest.raises(services.SupportError):
        make_plan(student_a, user if who != "parent" else user)
    # ...even naming a real counsellor as owner
    with pytest.raises(services.SupportError):
        services.plan_create(
            student=student_a,
            by=user,
            tier=2,
            concern_areas=[],
            owner=counsellor,
            start_date=TODAY(),
        )


def test_plan_from_a_referral(plan_a, referral_a, counsellor):
    assert plan_a.referral == referral_a and plan_a.tier == Tier.TARGETED
    assert plan_a.next_review_on == plan_a.start_date + dt.timedelta(weeks=6)
    assert plan_a.goals.get().measure == Measure.RATING


def test_owner_must_counsel_the_school_and_referral_must_be_the_students(
    student_a, student_a2, counsellor, other_counsellor
):
    with pytest.raises(services.SupportError, match="owner"):
        services.plan_create(
            student=student_a,
            by=counsellor,
            tier=2,
            concern_areas=[],
            owner=other_counsellor,
            start_date=TODAY(),
        )
    with pytest.raises(services.SupportError, match="another student"):
        make_plan(student_a, counsellor, referral=open_referral(student_a2))


@pytest.mark.parametrize(
    ("baseline", "target", "message"),
    [
        (7, 3, "better than the baseline"),
        (3, 3, "better than the baseline"),
        (3, 11, "between 0 and 10"),
    ],
)
def test_goal_target_must_be_better_and_in_range(student_a, counsellor, baseline, target, message):
    with pytest.raises(services.SupportError, match=message):
        services.plan_create(
            student=student_a,
            by=counsellor,
            tier=2,
            concern_areas=[],
            owner=counsellor,
            start_date=TODAY(),
            goal=rating_goal(baseline, target),
        )


def test_instrument_goals_take_their_direction_from_the_fixture(plan_a, counsellor):
    goal = services.goal_add(
        plan=plan_a,
        by=counsellor,
        goal=services.GoalInput(
            "Less worry",
            Measure.INSTRUMENT,
            14,
            7,
            TODAY() + dt.timedelta(weeks=8),
            instrument_code="gad-7",
        ),
    )
    assert goal.direction == "lower"
    with pytest.raises(services.SupportError, match="lower or a higher"):
        services.goal_add(
            plan=plan_a,
            by=counsellor,
            goal=services.GoalInput(
                "Mood",
                Measure.INSTRUMENT,
                14,
                7,
                TODAY() + dt.timedelta(weeks=8),
                instrument_code="phq-a",
            ),
        )


def test_first_contact_is_the_earliest_attended_contact_with_the_student(
    plan_a, referral_a, counsellor
):
    def log(days_ago, kind=ContactKind.INDIVIDUAL, attended=True):
        return services.contact_log(
            by=counsellor,
            plan=plan_a,
            date=TODAY() - dt.timedelta(days=days_ago),
            kind=kind,
            minutes=20,
            attended=attended,
        )

    family = log(10, ContactKind.FAMILY)  # not the student themself
    missed = log(9, attended=False)  # did not take place
    first = log(5)
    later = log(2)
    assert not family.first_contact and not missed.first_contact and first.first_contact
    assert not later.first_contact
    assert first.referral == referral_a  # a plan's contacts count for its referral
    # A contact logged late but dated earlier becomes the first contact.
    earlier = log(7)
    first.refresh_from_db()
    assert earlier.first_contact and not first.first_contact
    assert SupportContact.objects.filter(referral=referral_a, first_contact=True).count() == 1
    with pytest.raises(IntegrityError):
        SupportContact.objects.filter(pk=later.pk).update(first_contact=True)


def test_contacts_refused_for_the_wrong_person_or_the_future(plan_a, other_counsellor, counsellor):
    with pytest.raises(services.SupportError):
        services.contact_log(
            by=other_counsellor,
            plan=plan_a,
            date=TODAY(),
            kind=ContactKind.INDIVIDUAL,
            minutes=20,
            attended=True,
        )
    with pytest.raises(services.SupportError, match="future"):
        services.contact_log(
            by=counsellor,
            plan=plan_a,
            date=TODAY() + dt.timedelta(days=1),
            kind=ContactKind.INDIVIDUAL,
            minutes=20,
            attended=True,
        )


def test_progress_checks_are_ratings_in_range_and_in_the_plans_time(plan_a, counsellor):
    goal = plan_a.goals.get()
    for value, day in [
        (11, TODAY()),
        (-1, TODAY()),
        (5, TODAY() + dt.timedelta(days=1)),
        (5, plan_a.start_date - dt.timedelta(days=1)),
    ]:
        with pytest.raises(services.SupportError):
            services.progress_check_add(goal=goal, by=counsellor, date=day, value=value)
    services.progress_check_add(goal=goal, by=counsellor, date=TODAY(), value=10)
    assert goal.checks.get().source == CheckSource.RATING


def test_review_suggests_and_records_what_the_counsellor_decides(plan_a, counsellor):
    add_checks(plan_a, counsellor, [3, 3, 3.2, 3])
    review = services.review_decide(plan=plan_a, by=counsellor, decision=Decision.MOVE_UP)
    plan_a.refresh_from_db()
    assert review.suggestion == Suggestion.INTENSIFY
    assert (review.tier_before, review.tier_after, plan_a.tier) == (2, 3, 3)
    assert review.data["goals"][0]["points"] == 4
    assert plan_a.next_review_on == TODAY() + dt.timedelta(weeks=6)
    with pytest.raises(services.SupportError, match="tier 2"):
        services.review_decide(plan=plan_a, by=counsellor, decision=Decision.MOVE_UP)
    # Step down from tier 3 → tier 2, the plan stays open.
    services.review_decide(plan=plan_a, by=counsellor, decision=Decision.STEP_DOWN)
    plan_a.refresh_from_db()
    assert plan_a.tier == 2 and plan_a.status == PlanStatus.ACTIVE
    with pytest.raises(AppendOnlyError):
        review.save()


def test_stepping_down_at_tier_2_closes_and_closing_needs_an_outcome(plan_a, counsellor):
    add_checks(plan_a, counsellor, [4, 5, 7, 7.5])
    with pytest.raises(services.SupportError, match="outcome"):
        services.review_decide(plan=plan_a, by=counsellor, decision=Decision.CLOSE)
    review = services.review_decide(plan=plan_a, by=counsellor, decision=Decision.STEP_DOWN)
    plan_a.refresh_from_db()
    assert review.suggestion == Suggestion.STEP_DOWN
    assert (plan_a.status, plan_a.outcome, plan_a.closed_on) == (
        PlanStatus.CLOSED,
        Outcome.STEPPED_DOWN,
        TODAY(),
    )
    with pytest.raises(services.SupportError, match="closed"):
        services.review_decide(plan=plan_a, by=counsellor, decision=Decision.CONTINUE)
    with pytest.raises(services.SupportError, match="closed"):
        add_checks(plan_a, counsellor, [8])
    assert ReviewDecision.objects.count() == 1


def test_other_schools_counsellor_cannot_review(plan_a, other_counsellor, school_admin):
    for user in (other_counsellor, school_admin):
        with pytest.raises(services.SupportError):
            services.review_decide(plan=plan_a, by=user, decision=Decision.CONTINUE)


def test_intervention_deliverer_must_already_see_the_student(
    plan_a, counsellor, catalogue, teacher, other_teacher
):
    services.plan_intervention_add(
        plan=plan_a,
        by=counsellor,
        intervention=catalogue["check-in-check-out"],
        delivered_by=teacher,
        frequency="daily",
        minutes=10,
        started_on=TODAY(),
    )
    with pytest.raises(services.SupportError, match="does not work"):
        services.plan_intervention_add(
            plan=plan_a,
            by=counsellor,
            intervention=catalogue["mentoring"],
            delivered_by=other_teacher,
            frequency="weekly",
            minutes=20,
            started_on=TODAY(),
        )


def test_screening_results_become_progress_checks(student_a, counsellor, referral_a):
    from schoolwell.screening.services import instrument_sync
    from schoolwell.screening.services.results import screening_result_record
    from tests.referrals.conftest import grant_screening_consent

    instruments = {i.code: i for i in instrument_sync()}
    grant_screening_consent(student_a)
    plan = make_plan(student_a, counsellor, referral=referral_a, goal=False)
    goal = services.goal_add(
        plan=plan,
        by=counsellor,
        goal=services.GoalInput(
            "Less worry",
            Measure.INSTRUMENT,
            15,
            7,
            TODAY() + dt.timedelta(weeks=8),
            instrument_code="gad-7",
        ),
    )
    answers = {f"q{n}": 1 for n in range(1, 8)}
    result = screening_result_record(
        student=student_a, instrument=instruments["gad-7"], answers=answers, by=counsellor
    )
    check = goal.checks.get()
    assert (check.value, check.source, check.screening_result) == (7, CheckSource.SCREENING, result)
    # Another instrument is not this goal's measure.
    screening_result_record(
        student=student_a,
        instrument=instruments["phq-a"],
        answers={f"q{n}": 0 for n in range(1, 10)},
        by=counsellor,
    )
    assert goal.checks.count() == 1


def test_checkin_week_average_is_a_progress_check_recomputed_on_each_entry(
    student_a, counsellor, teacher, class_a, referral_a
):
    from schoolwell.screening.models import CheckIn
    from schoolwell.support.services import checkins_progress

    plan = make_plan(student_a, counsellor, referral=referral_a, goal=False)
    goal = services.goal_add(
        plan=plan,
        by=counsellor,
        goal=services.GoalInput(
            "Brighter days", Measure.CHECKIN_WEEK, 2, 4, TODAY() + dt.timedelta(weeks=8)
        ),
    )
    monday = TODAY() - dt.timedelta(days=TODAY().weekday() + 7)
    rows = [
        CheckIn.objects.create(
            student=student_a,
            teacher=teacher,
            klass=class_a,
            date=monday + dt.timedelta(days=d),
            wellbeing=w,
        )
        for d, w in [(0, 2), (1, 3), (2, 4)]
    ]
    checkins_progress(rows)
    check = goal.checks.get()
    assert (check.date, check.value, check.n, check.source) == (
        monday,
        3.0,
        3,
        CheckSource.CHECKINS,
    )
    rows.append(
        CheckIn.objects.create(
            student=student_a,
            teacher=teacher,
            klass=class_a,
            date=monday + dt.timedelta(days=3),
            wellbeing=5,
        )
    )
    checkins_progress(rows[-1:])
    check = goal.checks.get()
    assert (check.value, check.n) == (3.5, 4)
    assert ProgressCheck.objects.count() == 1


def test_review_decisions_are_append_only_in_the_database_too(plan_a, counsellor):
    from django.db import DatabaseError, connection, transaction

    services.review_decide(plan=plan_a, by=counsellor, decision=Decision.CONTINUE)
    with pytest.raises(AppendOnlyError):
        ReviewDecision.objects.update(decision=Decision.CLOSE)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE support_reviewdecision SET decision = 'close'")
    assert ReviewDecision.objects.get().decision == Decision.CONTINUE


def test_one_active_plan_per_student(plan_a, counsellor, student_a):
    with pytest.raises(services.SupportError, match="already has an active"):
        make_plan(student_a, counsellor)
    services.review_decide(
        plan=plan_a, by=counsellor, decision=Decision.CLOSE, outcome=Outcome.NOT_MET
    )
    assert make_plan(student_a, counsellor).is_active
    with pytest.raises(IntegrityError):
        SupportPlan.objects.filter(pk=plan_a.pk).update(status="active", outcome="")
