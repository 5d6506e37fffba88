"""Plan pages per role: the right counsellor works them, admins read, everyone else is
refused (403 for roles that never see plans, 404 for another school's plan)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.audit.models import AccessLog
from schoolwell.support.models import (
    ContactKind,
    Decision,
    PlanStatus,
    ReviewDecision,
    SupportContact,
    SupportPlan,
)
from tests.conftest import enroll, make_student
from tests.referrals.conftest import open_referral
from tests.support.conftest import add_checks, make_plan

TODAY = timezone.localdate


def detail(plan):
    return reverse("support:detail", args=[plan.pk])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("counsellor", 200),
        ("school_admin", 200),
        ("district_admin", 200),
        ("other_counsellor", 404),
        ("teacher", 403),
        ("parent", 403),
        ("other_parent", 403),
        ("outsider", 403),
    ],
)
def test_plan_page_per_role(request, client_for, plan_a, who, status):
    user = request.getfixturevalue(who)
    response = client_for(user).get(detail(plan_a))
    assert response.status_code == status
    if status == 200:
        assert AccessLog.objects.filter(user=user, student=plan_a.student).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("school_admin", 403),
        ("district_admin", 403),
        ("other_counsellor", 404),
        ("teacher", 403),
        ("parent", 403),
    ],
)
def test_only_the_schools_counsellor_changes_a_plan(request, client_for, plan_a, who, status):
    client = client_for(request.getfixturevalue(who))
    goal = plan_a.goals.get()
    posts = [
        (
            reverse("support:contact_add", args=[plan_a.pk]),
            {"date": TODAY(), "kind": "individual", "minutes": 20, "attended": "on"},
        ),
        (reverse("support:check_add", args=[plan_a.pk, goal.pk]), {"date": TODAY(), "value": 5}),
        (reverse("support:review", args=[plan_a.pk]), {"decision": "continue"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == status, url
    assert not SupportContact.objects.exists() and not goal.checks.exists()
    assert not ReviewDecision.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("other_counsellor", 404), ("school_admin", 404), ("teacher", 404), ("parent", 404)],
)
def test_start_page_only_for_the_schools_counsellors(request, client_for, student_a, who, status):
    url = reverse("support:new", args=[student_a.pk])
    assert client_for(request.getfixturevalue(who)).get(url).status_code == status


def test_counsellor_starts_a_plan_from_a_referral(client_for, counsellor, student_a, referral_a):
    client = client_for(counsellor)
    url = reverse("support:new", args=[student_a.pk]) + f"?referral={referral_a.pk}"
    # Another student's referral in the query string is a 404, not a plan.
    other = open_referral(make_student(student_a.school, "Z9"))
    assert (
        client.get(
            reverse("support:new", args=[student_a.pk]) + f"?referral={other.pk}"
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("support:new", args=[student_a.pk]) + "?referral=x").status_code == 404
    )
    assert client.get(url).status_code == 200
    start = TODAY()
    response = client.post(
        url,
        {
            "tier": 2,
            "concern_areas": ["mood", "peers"],
            "owner": counsellor.pk,
            "start_date": start,
            "review_weeks": 6,
            "description": "Joins in at lunch",
            "measure": "rating",
            "baseline": 3,
            "target": 7,
            "by_date": start + dt.timedelta(weeks=10),
        },
    )
    plan = SupportPlan.objects.get()
    assert response.status_code == 302 and response.url == detail(plan)
    assert plan.referral == referral_a and plan.concern_areas == ["mood", "peers"]


def test_bad_input_is_a_400_and_changes_nothing(client_for, counsellor, plan_a, student_a2):
    client = client_for(counsellor)
    bad_plan = client.post(
        reverse("support:new", args=[student_a2.pk]),
        {
            "tier": 2,
            "concern_areas": ["mood"],
            "owner": counsellor.pk,
            "start_date": TODAY(),
            "review_weeks": 6,
            "description": "x",
            "measure": "rating",
            "baseline": 7,
            "target": 3,
            "by_date": TODAY() + dt.timedelta(weeks=4),
        },
    )
    assert bad_plan.status_code == 400 and "better than the baseline" in bad_plan.content.decode()
    goal = plan_a.goals.get()
    check = client.post(
        reverse("support:check_add", args=[plan_a.pk, goal.pk]), {"date": TODAY(), "value": 14}
    )
    assert check.status_code == 400
    contact = client.post(
        reverse("support:contact_add", args=[plan_a.pk]),
        {"date": "not a date", "kind": "individual", "minutes": 5},
    )
    assert contact.status_code == 400
    review = client.post(reverse("support:review", args=[plan_a.pk]), {"decision": "close"})
    assert review.status_code == 400
    assert SupportPlan.objects.count() == 1 and not goal.checks.exists()
    assert not SupportContact.objects.exists() and not ReviewDecision.objects.exists()
    # Another plan's goal through this plan's URL: 404.
    assert (
        client.post(
            reverse("support:check_add", args=[plan_a.pk, 999999]), {"date": TODAY(), "value": 5}
        ).status_code
        == 404
    )


def test_log_contact_check_and_review_through_the_pages(client_for, counsellor, plan_a):
    client = client_for(counsellor)
    goal = plan_a.goals.get()
    client.post(
        reverse("support:contact_add", args=[plan_a.pk]),
        {
            "date": TODAY(),
            "kind": ContactKind.INDIVIDUAL,
            "minutes": 30,
            "attended": "on",
            "note": "Talked about lunch.",
        },
    )
    for i, value in enumerate([4, 6, 7, 7.5]):
        client.post(
            reverse("support:check_add", args=[plan_a.pk, goal.pk]),
            {"date": TODAY() - dt.timedelta(days=4 - i), "value": value},
        )
    assert goal.checks.count() == 4
    page = client.get(reverse("support:review", args=[plan_a.pk])).content.decode()
    assert 'data-suggestion="step_down"' in page
    response = client.post(
        reverse("support:review", args=[plan_a.pk]), {"decision": Decision.STEP_DOWN}
    )
    assert response.status_code == 302
    plan_a.refresh_from_db()
    assert plan_a.status == PlanStatus.CLOSED
    text = client.get(detail(plan_a)).content.decode()
    assert "Talked about lunch." in text and "First contact" in text


def test_admins_read_contacts_but_see_no_forms(client_for, counsellor, school_admin, plan_a):
    from schoolwell.support import services

    services.contact_log(
        by=counsellor,
        plan=plan_a,
        date=TODAY(),
        kind="individual",
        minutes=20,
        attended=True,
        note="A note for staff.",
    )
    text = client_for(school_admin).get(detail(plan_a)).content.decode()
    assert "A note for staff." in text
    assert reverse("support:contact_add", args=[plan_a.pk]) not in text


def _grow(school, counsellor, n, catalogue, teacher, klass):
    from schoolwell.support import services

    for i in range(n):
        student = make_student(school, f"Q{SupportPlan.objects.count()}-{i}")
        enroll(student, klass)
        plan = make_plan(student, counsellor, referral=open_referral(student))
        add_checks(plan, counsellor, [3, 4, 5, 6])
        services.plan_intervention_add(
            plan=plan,
            by=counsellor,
            intervention=catalogue["mentoring"],
            delivered_by=teacher,
            frequency="weekly",
            minutes=20,
            started_on=TODAY(),
        )
        services.contact_log(
            by=counsellor, plan=plan, date=TODAY(), kind="individual", minutes=20, attended=True
        )
        services.review_decide(plan=plan, by=counsellor, decision=Decision.CONTINUE)
    return plan


@pytest.mark.parametrize("url_name", ["support:list", "home"])
def test_list_and_home_panel_queries_stay_constant(
    client_for,
    counsellor,
    school_a,
    catalogue,
    teacher,
    class_a,
    url_name,
    django_assert_max_num_queries,
):
    client = client_for(counsellor)
    _grow(school_a, counsellor, 2, catalogue, teacher, class_a)
    client.get(reverse(url_name))
    with django_assert_max_num_queries(40) as small:
        client.get(reverse(url_name))
    _grow(school_a, counsellor, 12, catalogue, teacher, class_a)
    with django_assert_max_num_queries(len(small)):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


def test_plan_page_queries_do_not_grow_with_its_data(
    client_for, counsellor, school_a, catalogue, teacher, class_a, django_assert_max_num_queries
):
    from schoolwell.support import services

    client = client_for(counsellor)
    plan = _grow(school_a, counsellor, 1, catalogue, teacher, class_a)
    client.get(detail(plan))
    with django_assert_max_num_queries(60) as small:
        client.get(detail(plan))
    goal = plan.goals.first()
    for i in range(10):
        services.progress_check_add(goal=goal, by=counsellor, date=TODAY(), value=5 + i / 10)
        services.contact_log(
            by=counsellor, plan=plan, date=TODAY(), kind="family", minutes=10, attended=True
        )
    services.goal_add(
        plan=plan,
        by=counsellor,
        goal=services.GoalInput("Second", "rating", 2, 6, TODAY() + dt.timedelta(weeks=4)),
    )
    with django_assert_max_num_queries(len(small)):
        assert client.get(detail(plan)).status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [("school_admin", 403), ("other_counsellor", 404), ("teacher", 403), ("parent", 403)],
)
def test_referral_contact_page_per_role(request, client_for, referral_a, who, status):
    url = reverse("support:referral_contact", args=[referral_a.pk])
    client = client_for(request.getfixturevalue(who))
    assert client.get(url).status_code == status
    data = {"date": TODAY(), "kind": "individual", "minutes": 20, "attended": "on"}
    assert client.post(url, data).status_code == status
    assert not SupportContact.objects.exists()


def test_counsellor_logs_a_first_contact_on_a_referral_without_a_plan(
    client_for, counsellor, referral_a
):
    client = client_for(counsellor)
    url = reverse("support:referral_contact", args=[referral_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"date": TODAY(), "kind": "check_in", "minutes": 10, "attended": "on"}
    )
    assert response.status_code == 302
    contact = SupportContact.objects.get()
    assert contact.first_contact and contact.plan is None and contact.referral == referral_a
    assert client.post(url, {"date": "", "kind": "x", "minutes": 0}).status_code == 400


def test_plan_pages_read_in_spanish(client_for, counsellor, plan_a, student_a2, settings):
    from django.utils import translation

    client = client_for(counsellor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    with translation.override(settings.LANGUAGE_CODE):
        page = client.get(detail(plan_a)).content.decode()
        review = client.get(reverse("support:review", args=[plan_a.pk])).content.decode()
        new = client.get(reverse("support:new", args=[student_a2.pk])).content.decode()
    assert "Plan de apoyo de" in page and "Metas y progreso" in page
    assert "Aún no hay datos suficientes" in page  # the suggestion label
    assert "Nivel 2 (focalizado)" in page and "Ánimo bajo" in page
    assert "Su decisión" in review and "Bajar de nivel" in review
    assert "Iniciar el plan" in new and "Relaciones con compañeros" in new


def test_start_page_leads_to_the_active_plan(client_for, counsellor, plan_a):
    response = client_for(counsellor).get(reverse("support:new", args=[plan_a.student_id]))
    assert response.status_code == 302 and response.url == detail(plan_a)
