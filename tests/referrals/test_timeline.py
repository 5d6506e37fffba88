"""The counsellor's student timeline: chronological, audit-logged, constant queries."""

import datetime as dt

import pytest
from django.urls import reverse

from schoolwell.audit.models import AccessLog
from schoolwell.referrals.models import Priority, Referral, ReferralEvent, Source, Status

from .conftest import NOW, open_referral


def url(student):
    return reverse("referrals:timeline", args=[student.pk])


def many_closed_referrals(student, n):
    referrals = Referral.objects.bulk_create(
        Referral(
            school_id=student.school_id,
            student=student,
            source=Source.RULE,
            priority=Priority.ROUTINE,
            status=Status.CLOSED,
            opened_at=NOW - dt.timedelta(days=i + 1),
            due_at=NOW,
            closed_at=NOW,
            outcome="monitoring",
        )
        for i in range(n)
    )
    ReferralEvent.objects.bulk_create(
        ReferralEvent(referral=r, kind="created", at=r.opened_at, data={"priority": 3})
        for r in referrals
    )


def test_timeline_lists_referrals_and_events_in_order(client_for, student_a, counsellor):
    old = open_referral(student_a, key="a", now=NOW - dt.timedelta(days=3))
    Referral.objects.filter(pk=old.pk).update(status=Status.CLOSED)
    open_referral(student_a, Priority.URGENT, key="b", now=NOW)
    response = client_for(counsellor).get(url(student_a))
    assert response.status_code == 200
    entries = response.context["entries"]
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    assert [e.kind for e in entries] == ["referral", "event", "referral", "event"]
    assert entries[0].item == old
    assert (
        AccessLog.objects.filter(
            user=counsellor, student=student_a, what="student timeline"
        ).count()
        == 1
    )


def test_timeline_queries_are_constant(
    client_for, student_a, counsellor, django_assert_max_num_queries
):
    client = client_for(counsellor)
    many_closed_referrals(student_a, 3)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url(student_a)).status_code == 200
    many_closed_referrals(student_a, 1000)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url(student_a))
    assert len(response.context["entries"]) == 2006


@pytest.mark.parametrize("who", ["teacher", "parent", "outsider"])
def test_timeline_is_403_for_non_counsellors(request, client_for, student_a, who):
    response = client_for(request.getfixturevalue(who)).get(url(student_a))
    assert response.status_code == 403


def test_timeline_of_another_schools_student_is_404(client_for, student_b, counsellor):
    assert client_for(counsellor).get(url(student_b)).status_code == 404
