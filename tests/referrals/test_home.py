"""The counsellor's home leads with what needs action today, then their caseload; both
and the caseload page cost a constant number of queries whatever the data size."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.audit.models import AccessLog
from schoolwell.referrals.models import Priority, Referral, Status
from schoolwell.referrals.services import referral_claim

from .test_queue import bulk_referrals
from .test_queue_rows import add_reasons

HOME = reverse("home")
CASELOAD = reverse("referrals:caseload")


def groups(response):
    panel = response.context["lead_panels"][0].context
    return {name: [i.student_name for i in items] for name, items in panel["groups"]}


def test_home_leads_with_urgent_and_unseen(client_for, student_a, student_a2, counsellor):
    from .conftest import open_referral

    now = timezone.now()
    urgent = open_referral(student_a, Priority.URGENT, key="u", now=now)
    open_referral(student_a2, Priority.ROUTINE, key="r", now=now)
    response = client_for(counsellor).get(HOME)
    html = response.content.decode()
    found = groups(response)
    assert found["Urgent and overdue"] == [student_a.display_name]
    assert found["Flagged, not yet seen"] == [student_a2.display_name]
    # "Needs action today" comes before the role cards and the other panels.
    assert html.index("Needs action today") < html.index("My schools")
    assert AccessLog.objects.filter(user=counsellor, what="home: action items").count() == 2
    assert urgent.pk


def test_overdue_referral_of_a_colleague_is_not_mine_to_act_on(
    client_for, student_a, counsellor, colleague
):
    from .conftest import open_referral

    referral = open_referral(student_a, Priority.HIGH, now=timezone.now() - dt.timedelta(days=9))
    referral_claim(referral=referral, by=colleague)
    assert groups(client_for(counsellor).get(HOME)) == {}
    assert list(groups(client_for(colleague).get(HOME))) == ["Urgent and overdue"]


def test_caseload_lists_my_students_with_their_next_step(client_for, student_a, counsellor):
    from .conftest import open_referral

    referral = open_referral(student_a, Priority.HIGH, now=timezone.now())
    referral_claim(referral=referral, by=counsellor)
    response = client_for(counsellor).get(CASELOAD)
    rows = response.context["rows"]
    assert [(r.student, r.next.title) for r in rows] == [(student_a, "First contact")]
    home = client_for(counsellor).get(HOME).content.decode()
    assert "First contact" in home


def test_caseload_shows_pathway_steps_on_my_critical_referral(
    client_for, student_a, counsellor, teacher
):
    from schoolwell.referrals.services import concern_raise
    from schoolwell.safety import services as safety
    from tests.safety.conftest import ASSESSMENT, PLAN

    referral = concern_raise(
        student=student_a, by=teacher, concern_code="self_harm_concern", note="", priority=1
    ).referral
    referral_claim(referral=referral, by=counsellor)

    def titles():
        rows = client_for(counsellor).get(CASELOAD).context["rows"]
        return [item.title for row in rows for item in row.items]

    assert "Risk assessment needed" in titles()
    safety.risk_assessment_record(referral=referral, by=counsellor, data=ASSESSMENT)
    safety.safety_plan_revise(referral=referral, by=counsellor, parts=PLAN)
    assert "Risk assessment needed" not in titles()
    assert "Follow-up contact" in titles()


@pytest.mark.parametrize("who", ["teacher", "parent", "school_admin", "district_admin"])
def test_only_counsellors_have_a_caseload(request, client_for, who):
    assert client_for(request.getfixturevalue(who)).get(CASELOAD).status_code == 403


def test_another_schools_counsellor_sees_none_of_it(client_for, student_a, other_counsellor):
    from .conftest import open_referral

    open_referral(student_a, Priority.URGENT, now=timezone.now())
    response = client_for(other_counsellor).get(HOME)
    assert student_a.display_name not in response.content.decode()


def many(school, counsellor, n):
    referrals = bulk_referrals(school, n, now=timezone.now())
    add_reasons(referrals)
    mine = [r.pk for r in referrals if r.status != Status.NEW]
    Referral.objects.filter(pk__in=mine).update(assignee=counsellor)


def test_home_and_caseload_queries_are_constant(
    client_for, school_a, counsellor, django_assert_max_num_queries
):
    client = client_for(counsellor)
    many(school_a, counsellor, 6)
    with django_assert_max_num_queries(40) as home_few:
        assert client.get(HOME).status_code == 200
    with django_assert_max_num_queries(30) as caseload_few:
        assert client.get(CASELOAD).status_code == 200
    many(school_a, counsellor, 400)
    with django_assert_max_num_queries(len(home_few.captured_queries)):
        response = client.get(HOME)
    assert response.context["lead_panels"][0].context["caseload_total"] > 300
    with django_assert_max_num_queries(len(caseload_few.captured_queries)):
        response = client.get(CASELOAD, {"page": "2"})
    assert len(response.context["rows"]) == 50
