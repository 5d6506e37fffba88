"""What others see of a plan: teachers only their own part, never contacts or data;
families nothing; the counsellor's home panel lists reviews and follow-ups due."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.support import services
from tests.support.conftest import make_plan

TODAY = timezone.localdate


@pytest.fixture
def delivered(plan_a, counsellor, teacher, catalogue):
    services.plan_intervention_add(
        plan=plan_a,
        by=counsellor,
        intervention=catalogue["check-in-check-out"],
        delivered_by=teacher,
        frequency="daily",
        minutes=10,
        started_on=TODAY(),
    )
    services.plan_intervention_add(
        plan=plan_a,
        by=counsellor,
        intervention=catalogue["individual-counselling"],
        delivered_by=counsellor,
        frequency="weekly",
        minutes=40,
        started_on=TODAY(),
    )
    services.contact_log(
        by=counsellor,
        plan=plan_a,
        date=TODAY(),
        kind="individual",
        minutes=30,
        attended=True,
        note="Private matter discussed.",
    )
    return plan_a


def student_page(client, student):
    return client.get(reverse("roster:student_detail", args=[student.pk]))


def test_teacher_sees_that_a_plan_exists_and_only_their_part(client_for, teacher, delivered):
    client = client_for(teacher)
    text = student_page(client, delivered.student).content.decode()
    assert "Support plan: your part" in text and "Check-in/check-out" in text
    assert "Individual counselling" not in text  # someone else's part
    assert "Private matter" not in text and "Joins in at lunch" not in text
    home = client.get(reverse("home")).content.decode()
    assert "Support you deliver" in home and delivered.student.display_name in home
    assert client.get(reverse("support:detail", args=[delivered.pk])).status_code == 403


def test_teacher_without_a_part_learns_nothing(client_for, other_teacher, delivered, student_a2):
    # other_teacher does not teach student_a: the student page is a 404 anyway; on their own
    # student's page (no plan) there is no support section.
    client = client_for(other_teacher)
    assert student_page(client, delivered.student).status_code == 404
    assert "Support plan" not in student_page(client, student_a2).content.decode()


def test_families_see_nothing_of_plans(client_for, parent, other_parent, delivered):
    for user in (parent, other_parent):
        client = client_for(user)
        assert "Support" not in client.get(reverse("home")).content.decode()
        assert client.get(reverse("support:list")).status_code == 403


def test_staff_student_panel_lists_plans_and_offers_to_start(
    client_for, counsellor, school_admin, delivered
):
    text = student_page(client_for(counsellor), delivered.student).content.decode()
    assert reverse("support:detail", args=[delivered.pk]) in text
    # One active plan per student: a new plan is offered once this one is closed.
    assert reverse("support:new", args=[delivered.student.pk]) not in text
    from schoolwell.support.models import Decision, Outcome

    services.review_decide(
        plan=delivered, by=counsellor, decision=Decision.CLOSE, outcome=Outcome.MET
    )
    text = student_page(client_for(counsellor), delivered.student).content.decode()
    assert reverse("support:new", args=[delivered.student.pk]) in text
    admin_text = student_page(client_for(school_admin), delivered.student).content.decode()
    assert reverse("support:detail", args=[delivered.pk]) in admin_text
    assert reverse("support:new", args=[delivered.student.pk]) not in admin_text


def test_referral_page_links_to_a_new_plan_for_counsellors(client_for, counsellor, referral_a):
    text = client_for(counsellor).get(reverse("referrals:detail", args=[referral_a.pk])).content
    expected = reverse("support:new", args=[referral_a.student_id]) + f"?referral={referral_a.pk}"
    assert expected in text.decode()


def test_home_panel_lists_reviews_and_follow_ups_due(client_for, counsellor, student_a, student_a2):
    due = make_plan(student_a, counsellor, start=TODAY() - dt.timedelta(weeks=6))
    later = make_plan(student_a2, counsellor, start=TODAY() - dt.timedelta(days=3))
    services.contact_log(
        by=counsellor, plan=later, date=TODAY(), kind="individual", minutes=20, attended=True
    )
    text = client_for(counsellor).get(reverse("home")).content.decode()
    reviews, follow_ups = text.split("Reviews due")[1].split("Follow-ups due")
    assert due.student.display_name in reviews and later.student.display_name not in reviews
    assert due.student.display_name in follow_ups.split("All support plans")[0]
    assert later.student.display_name not in follow_ups.split("All support plans")[0]


def test_student_panel_queries_stay_constant(
    client_for, counsellor, student_a, django_assert_max_num_queries
):
    client = client_for(counsellor)
    make_plan(student_a, counsellor)
    student_page(client, student_a)
    with django_assert_max_num_queries(80) as small:
        student_page(client, student_a)
    from schoolwell.support.models import Decision, Outcome

    for _ in range(5):
        services.review_decide(
            plan=student_a.support_plans.get(status="active"),
            by=counsellor,
            decision=Decision.CLOSE,
            outcome=Outcome.MET,
        )
        make_plan(student_a, counsellor)
    with django_assert_max_num_queries(len(small)):
        assert student_page(client, student_a).status_code == 200
