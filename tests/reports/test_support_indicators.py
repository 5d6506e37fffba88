"""Support-plan program indicators against hand-computed examples, and their dashboard
sections and export kind."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.referrals.schooldays import school_days_between
from schoolwell.reports import indicators
from schoolwell.support import services
from schoolwell.support.models import Decision, Measure, ProgressCheck, SupportPlan
from tests.conftest import make_student
from tests.referrals.conftest import open_referral
from tests.support.conftest import add_checks, make_plan

TODAY = timezone.localdate()
# A Wednesday at least two weeks back, so every date below is in the past.
WED = TODAY - dt.timedelta(days=(TODAY.weekday() - 2) % 7 + 14)


def test_school_days_between():
    assert school_days_between(WED, WED) == 0
    assert school_days_between(WED, WED + dt.timedelta(days=5)) == 3  # Thu, Fri, Mon
    assert school_days_between(WED, WED + dt.timedelta(days=7)) == 5
    assert (
        school_days_between(WED + dt.timedelta(days=3), WED + dt.timedelta(days=5)) == 1
    )  # Sat→Mon
    assert school_days_between(WED, WED + dt.timedelta(days=16)) == 12
    assert school_days_between(WED, WED - dt.timedelta(days=1)) == 0


@pytest.fixture
def scenario(school_a, student_a, student_a2, counsellor):
    """Three referrals first seen after 3, 0 and 5 school days; four plans: improved,
    unchanged, worse, and a GAD-7 change within its reliable-change threshold; reviews
    decided on, 7 days after and 8 days after their review dates."""
    student_a2.preferred_language = "es"
    student_a2.save()
    students = [student_a, student_a2, make_student(school_a, "A3"), make_student(school_a, "A4")]
    opened = timezone.make_aware(dt.datetime.combine(WED, dt.time(9)))
    plans = []
    for i, (student, seen_after, latest) in enumerate(
        zip(students, [5, 0, 7, None], [5, 3, 2, None], strict=True)
    ):
        referral = open_referral(student, now=opened)
        plan = make_plan(
            student, counsellor, referral=referral, start=TODAY - dt.timedelta(weeks=10)
        )
        if seen_after is not None:
            services.contact_log(
                by=counsellor,
                plan=plan,
                date=WED + dt.timedelta(days=seen_after),
                kind="individual",
                minutes=30,
                attended=True,
            )
        if latest is not None:
            add_checks(plan, counsellor, [4, latest])
            services.review_decide(
                plan=plan,
                by=counsellor,
                decision=Decision.CONTINUE,
                today=plan.next_review_on + dt.timedelta(days=[0, 7, 8][i]),
            )
        plans.append(plan)
    gad = services.goal_add(
        plan=plans[3],
        by=counsellor,
        goal=services.GoalInput(
            "Less worry",
            Measure.INSTRUMENT,
            14,
            7,
            TODAY + dt.timedelta(weeks=4),
            instrument_code="gad-7",
        ),
    )
    plans[3].goals.exclude(pk=gad.pk).delete()
    ProgressCheck.objects.create(goal=gad, date=TODAY, value=11, source="screening")
    return plans


def test_indicators_match_hand_computed_figures(scenario, counsellor, school_a):
    from schoolwell.referrals.selectors import staff_referrals
    from schoolwell.support.selectors import staff_plans

    data = indicators.support_indicators(
        staff_plans(counsellor),
        staff_referrals(counsellor),
        since=TODAY - dt.timedelta(weeks=12),
        threshold=indicators.IDENTIFIED,
    )
    # Days to first contact: 3, 0, 5 → median 3.
    assert (data.overall_referrals, data.overall_median_days) == (3, 3)
    rows = {(r.grouping, r.label): (r.referrals, r.median_days) for r in data.first_contact}
    assert rows[("school", "School A")] == (3, 3)
    assert rows[("language", "Español")] == (1, 0)
    assert rows[("language", "English")] == (2, 4)  # median of 3 and 5
    reviews = data.reviews["school"]
    assert [c.count for c in reviews.cells[0]] == [2, 1]  # on the day and +7: on time; +8: late
    change = data.change["school"]
    # improved (3→5), unchanged (3→3, and GAD-7 14→11: −3 is within its RCI of 4), worse (3→2)
    assert [c.count for c in change.cells[0]] == [1, 2, 1]
    by_language = data.change["language"]
    assert by_language.row_labels == ("English", "Español")
    assert [c.count for c in by_language.cells[1]] == [0, 1, 0]


def test_deidentified_figures_are_suppressed(scenario, counsellor):
    from schoolwell.referrals.selectors import staff_referrals
    from schoolwell.support.selectors import staff_plans

    data = indicators.support_indicators(
        staff_plans(counsellor), staff_referrals(counsellor), since=TODAY - dt.timedelta(weeks=12)
    )
    assert data.overall_median_days is None and data.overall_referrals == 3
    assert all(r.median_days is None for r in data.first_contact)
    assert all(c.suppressed for c in data.change["school"].cells[0])


def test_dashboards_show_the_support_sections(scenario, client_for, school_admin, district_admin):
    school = client_for(school_admin).get(reverse("reports:school", args=[scenario[0].school_id]))
    text = school.content.decode()
    assert "School days from referral to first contact" in text
    assert "Support plans improved, unchanged or worse" in text
    district = client_for(district_admin).get(reverse("reports:district")).content.decode()
    assert "Support plan reviews on time" in district


def test_export_lists_plans_with_outcomes_and_logs_each_student(
    scenario, run_export, load_rows, counsellor
):
    from schoolwell.audit.models import AccessLog

    sheets = load_rows(run_export(counsellor, "support"))
    header, *rows = sheets["Plans"]
    assert header[0] == "Plan" and "Change category" in header
    by_plan = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    first = by_plan[scenario[0].pk]
    assert (first["Baseline"], first["Latest"], first["Change"]) == (3, 5, 2)
    assert first["Change category"] == "Improved"
    assert first["School days to first contact"] == 3
    gad = by_plan[scenario[3].pk]
    assert (gad["Change"], gad["Change category"], gad["Reliable change threshold"]) == (
        -3,
        "Unchanged",
        4,
    )
    assert gad["School days to first contact"] is None
    assert "Plans changed by school" in sheets
    assert AccessLog.objects.filter(what="export: support").count() == 4


def test_export_is_refused_to_teachers_and_scoped_to_the_school(
    scenario, run_export, load_rows, other_counsellor, teacher
):
    from schoolwell.reports.exports import KINDS

    assert not KINDS["support"].allowed_for(teacher)
    sheets = load_rows(run_export(other_counsellor, "support"))
    assert len(sheets["Plans"]) == 1  # the header only
    assert SupportPlan.objects.count() == 4


def test_plan_change_is_each_plans_first_goal_against_its_latest_check(
    scenario, counsellor, school_a
):
    """The change tables (first goal and its latest check read in one query) count what the
    plans' goal objects and `latest_checks` give: a later goal's checks and a plan without
    a check change nothing."""
    from collections import Counter

    from schoolwell.accounts.models import Language
    from schoolwell.referrals.models import Referral
    from schoolwell.support.models import Goal
    from schoolwell.support.outcomes import goal_outcome, threshold_for
    from schoolwell.support.selectors import latest_checks, staff_plans
    from tests.support.conftest import rating_goal

    second = services.goal_add(plan=scenario[0], by=counsellor, goal=rating_goal(by=TODAY))
    ProgressCheck.objects.create(goal=second, date=TODAY, value=1, source="rating")
    make_plan(make_student(school_a, "A5"), counsellor)
    first_goals = {}
    for goal in Goal.objects.select_related("plan__student").order_by("plan_id", "pk"):
        first_goals.setdefault(goal.plan_id, goal)
    latest = latest_checks([goal.pk for goal in first_goals.values()])
    expected = Counter(
        (
            goal.plan.student.preferred_language,
            goal_outcome(
                baseline=goal.baseline,
                latest=latest[goal.pk].value,
                direction=goal.direction,
                threshold=threshold_for(goal),
            ).category.value,
        )
        for goal in first_goals.values()
        if goal.pk in latest
    )
    data = indicators.support_indicators(
        staff_plans(counsellor),
        Referral.objects.none(),
        since=TODAY - dt.timedelta(weeks=12),
        threshold=indicators.IDENTIFIED,
    )
    table = data.change["language"]
    counted = Counter(
        {
            (language, category): cell.count
            for language, row in zip(Language.values, table.cells, strict=True)
            for category, cell in zip(("improved", "unchanged", "worse"), row, strict=True)
        }
    )
    assert sum(expected.values()) == 4
    assert +counted == expected
