"""The counsellor's student timeline: chronological, audit-logged, constant queries."""

import datetime as dt

import pytest
from django.urls import reverse

from schoolwell.audit.models import AccessLog
from schoolwell.referrals.models import Priority, Referral, ReferralEvent, Source, Status
from schoolwell.screening.models import CheckIn, ScreeningResult
from schoolwell.screening.services import instrument_sync

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


def history(student, teacher, n):
    """n check-ins and n screening results for the student, on n earlier days."""
    phqa = {i.code: i for i in instrument_sync()}["phq-a"]
    start = CheckIn.objects.filter(student=student).count()
    CheckIn.objects.bulk_create(
        CheckIn(
            student=student,
            teacher=teacher,
            date=NOW.date() - dt.timedelta(days=start + i + 1),
            wellbeing=1 + i % 5,
            tags=["tired"] if i % 7 == 0 else [],
        )
        for i in range(n)
    )
    ScreeningResult.objects.bulk_create(
        ScreeningResult(
            student=student,
            instrument=phqa,
            answers={},
            total=i % 27,
            band="mild",
            band_label="Mild",
            respondent="student",
            administered_at=NOW - dt.timedelta(days=start + i + 1, hours=3),
        )
        for i in range(n)
    )


def test_timeline_merges_checkins_results_and_referrals(client_for, student_a, teacher, counsellor):
    history(student_a, teacher, 2)
    open_referral(student_a, Priority.HIGH, now=NOW)
    entries = client_for(counsellor).get(url(student_a)).context["entries"]
    assert [e.kind for e in entries] == [
        "checkin",
        "result",
        "checkin",
        "result",
        "referral",
        "event",
    ]
    page = client_for(counsellor).get(url(student_a)).content.decode()
    assert "Very tired or low energy" in page and "Mild" in page


def test_timeline_queries_are_constant(
    client_for, student_a, teacher, counsellor, django_assert_max_num_queries
):
    client = client_for(counsellor)
    many_closed_referrals(student_a, 3)
    history(student_a, teacher, 3)
    with django_assert_max_num_queries(25) as few:
        assert client.get(url(student_a)).status_code == 200
    many_closed_referrals(student_a, 1000)
    history(student_a, teacher, 300)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url(student_a))
    assert len(response.context["entries"]) == 2006 + 2 * 303


@pytest.mark.parametrize("who", ["teacher", "parent", "outsider"])
def test_timeline_is_403_for_non_counsellors(request, client_for, student_a, who):
    response = client_for(request.getfixturevalue(who)).get(url(student_a))
    assert response.status_code == 403


def test_timeline_of_another_schools_student_is_404(client_for, student_b, counsellor):
    assert client_for(counsellor).get(url(student_b)).status_code == 404
