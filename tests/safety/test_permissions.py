"""Only counsellors of the student's school read or write the pathway: every other role
(the teacher who raised the concern, guardians, administrators, another school's
counsellor) gets a 404 and changes nothing."""

import pytest
from django.urls import reverse

from schoolwell.accounts.roles import Role
from schoolwell.audit.models import AccessLog
from schoolwell.roster.services import school_staff_add
from schoolwell.safety.models import FollowUp, GuardianNotification, RiskAssessment
from schoolwell.safety.models import SafetyPlanRevision as Plan

from .conftest import ASSESSMENT, PLAN

WRONG = [
    "teacher",
    "other_teacher",
    "parent",
    "other_parent",
    "school_admin",
    "district_admin",
    "other_counsellor",
    "outsider",
]
PAGES = ["safety:assessment", "safety:plan", "safety:plan_print", "safety:guardian"]


@pytest.mark.parametrize("who", WRONG)
@pytest.mark.parametrize("page", PAGES)
def test_wrong_people_get_404_on_every_page(request, client_for, planned, who, page):
    user = request.getfixturevalue(who)
    response = client_for(user).get(reverse(page, args=[planned.pk]))
    assert response.status_code == 404
    assert not AccessLog.objects.filter(user=user).exists()


@pytest.mark.parametrize("who", WRONG)
def test_wrong_people_write_nothing(request, client_for, planned, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    before = (RiskAssessment.objects.count(), Plan.objects.count())
    assert (
        client.post(reverse("safety:assessment", args=[planned.pk]), ASSESSMENT).status_code == 404
    )
    assert client.post(reverse("safety:plan", args=[planned.pk]), PLAN).status_code == 404
    assert (
        client.post(
            reverse("safety:guardian", args=[planned.pk]),
            {
                "decision": "notified",
                "guardian_name": "Mum",
                "method": "phone",
                "notified_at": "2026-11-18T10:00",
            },
        ).status_code
        == 404
    )
    follow_up = FollowUp.objects.get()
    assert client.post(reverse("safety:follow_up_done", args=[follow_up.pk])).status_code == 404
    assert (RiskAssessment.objects.count(), Plan.objects.count()) == before
    assert not GuardianNotification.objects.exists()
    follow_up.refresh_from_db()
    assert follow_up.done_at is None


@pytest.mark.parametrize("page", PAGES)
def test_the_schools_counsellor_reads_every_page_and_it_is_logged(
    client_for, planned, counsellor, page
):
    response = client_for(counsellor).get(reverse(page, args=[planned.pk]))
    assert response.status_code == 200
    assert AccessLog.objects.filter(user=counsellor, student=planned.student).exists()


@pytest.mark.parametrize("who", ["school_admin", "district_admin"])
def test_administrators_see_the_referral_but_not_the_pathway(request, client_for, planned, who):
    response = client_for(request.getfixturevalue(who)).get(
        reverse("referrals:detail", args=[planned.pk])
    )
    assert response.status_code == 200
    assert b"Suicide-risk pathway" not in response.content
    assert b"Risk level" not in response.content


def test_an_administrator_who_also_counsels_works_the_pathway(
    client_for, planned, school_admin, school_a
):
    school_staff_add(school=school_a, user=school_admin, role=Role.COUNSELLOR)
    response = client_for(school_admin).get(reverse("safety:plan", args=[planned.pk]))
    assert response.status_code == 200
