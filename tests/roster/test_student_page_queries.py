"""The staff student page reads a fixed number of queries however long the student's record:
3 referrals, check-ins and results against 60 referrals and 300 of each, with plans, the
pathway and consent decisions, for each staff role that opens it."""

import datetime as dt

import pytest
from django.urls import reverse

from schoolwell.consent.models import Channel, ConsentDecision, ConsentForm, Decision, Purpose
from schoolwell.referrals.models import Priority, Referral, ReferralEvent, Source, Status
from schoolwell.safety.models import RiskAssessment
from tests.referrals.conftest import NOW
from tests.referrals.test_timeline import history, many_closed_referrals
from tests.support.conftest import make_plan


def record(student, teacher, counsellor, parent, n: int) -> None:
    """n closed referrals (each with an assessment), n check-ins and results, n consent
    decisions and a support plan."""
    many_closed_referrals(student, n)
    history(student, teacher, n)
    RiskAssessment.objects.bulk_create(
        RiskAssessment(
            referral=referral,
            student=student,
            assessed_by=counsellor,
            assessed_at=referral.opened_at,
            ideation="passive",
            plan="none",
            intent="none",
            means_access="none",
            history="none",
            protective_factors="Family",
            risk_level="low",
            rationale="Low",
        )
        for referral in Referral.objects.filter(student=student, status=Status.CLOSED)
        .exclude(risk_assessments__isnull=False)
        .order_by("pk")
    )
    form, _ = ConsentForm.objects.get_or_create(
        school_id=student.school_id,
        purpose=Purpose.UNIVERSAL_SCREENING,
        version=1,
        defaults={
            "school_year": NOW.year,
            "title": {"en": "Screening", "es": "Evaluación"},
            "published_at": NOW - dt.timedelta(days=400),
        },
    )
    ConsentDecision.objects.bulk_create(
        ConsentDecision(
            student=student,
            guardian=parent,
            form=form,
            decision=Decision.GRANTED if i % 2 else Decision.REVOKED,
            channel=Channel.PORTAL,
            recorded_by=parent,
            at=NOW - dt.timedelta(days=300 - i % 300),
        )
        for i in range(n)
    )
    open_one = Referral.objects.create(
        school_id=student.school_id,
        student=student,
        source=Source.MANUAL,
        priority=Priority.HIGH,
        status=Status.IN_PROGRESS,
        assignee=counsellor,
        opened_at=NOW - dt.timedelta(days=1),
        due_at=NOW,
    )
    ReferralEvent.objects.create(
        referral=open_one, kind="created", at=open_one.opened_at, data={"priority": 2}
    )
    if not student.support_plans.exists():
        make_plan(student, counsellor, referral=open_one)


@pytest.mark.parametrize("who", ["counsellor", "school_admin"])
def test_student_page_queries_are_the_same_at_two_sizes(
    who, request, student_a, teacher, counsellor, parent, django_assert_max_num_queries
):
    client = request.getfixturevalue("client_for")(request.getfixturevalue(who))
    url = reverse("roster:student_detail", args=[student_a.pk])
    record(student_a, teacher, counsellor, parent, 3)
    client.get(url)  # the scope is cached across requests from then on: measure both warm
    with django_assert_max_num_queries(80) as few:
        assert client.get(url).status_code == 200
    Referral.objects.filter(student=student_a, status=Status.IN_PROGRESS).update(
        status=Status.CLOSED, closed_at=NOW, outcome="monitoring"
    )
    record(student_a, teacher, counsellor, parent, 57)
    assert Referral.objects.filter(student=student_a).count() == 62
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
