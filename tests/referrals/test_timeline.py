"""The counsellor's student timeline: newest first, filtered by kind, check-ins by week,
audit-logged, constant queries."""

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
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    assert [e.kind for e in entries] == ["event", "referral", "event", "referral"]
    assert entries[-1].item == old
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
    client = client_for(counsellor)
    entries = client.get(url(student_a)).context["entries"]
    # Tuesday's and Monday's check-ins are one line for their week.
    assert [e.kind for e in entries] == ["event", "referral", "result", "week", "result"]
    assert len(entries[3].item.checkins) == 2
    page = client.get(url(student_a)).content.decode()
    assert "Very tired or low energy" in page and "Mild" in page
    assert "2 check-ins" in page
    every = client.get(url(student_a), {"all_checkins": "on"}).context["entries"]
    assert [e.kind for e in every] == [
        "event",
        "referral",
        "result",
        "checkin",
        "result",
        "checkin",
    ]


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
        response = client.get(url(student_a), {"all_checkins": "on"})
    assert len(response.context["entries"]) == 2006 + 2 * 303
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url(student_a))
    weeks = [e for e in response.context["entries"] if e.kind == "week"]
    assert 43 <= len(weeks) <= 45  # 303 days of check-ins, one line per week


@pytest.mark.parametrize("who", ["teacher", "parent", "outsider"])
def test_timeline_is_403_for_non_counsellors(request, client_for, student_a, who):
    response = client_for(request.getfixturevalue(who)).get(url(student_a))
    assert response.status_code == 403


def test_timeline_of_another_schools_student_is_404(client_for, student_b, counsellor):
    assert client_for(counsellor).get(url(student_b)).status_code == 404


def test_filters_by_kind(client_for, student_a, teacher, counsellor):
    history(student_a, teacher, 3)
    open_referral(student_a, Priority.HIGH, now=NOW)
    client = client_for(counsellor)
    kinds = {e.kind for e in client.get(url(student_a), {"kind": "screening"}).context["entries"]}
    assert kinds == {"result"}
    both = client.get(url(student_a), {"kind": ["referrals", "checkins"]}).context["entries"]
    assert {e.kind for e in both} == {"referral", "event", "week"}
    # A made-up kind is a form error, not a 500: the whole timeline is shown.
    assert client.get(url(student_a), {"kind": "secrets"}).status_code == 200


def test_one_week_can_be_opened(client_for, student_a, teacher, counsellor):
    history(student_a, teacher, 9)  # Nov 17 back to Nov 9: two weeks
    client = client_for(counsellor)
    response = client.get(url(student_a), {"kind": "checkins", "week": "2026-11-09"})
    kinds = [(e.kind, e.at.date()) for e in response.context["entries"]]
    assert [k for k, _ in kinds].count("week") == 1  # the week of Nov 16
    assert [d for k, d in kinds if k == "checkin"] == [
        dt.date(2026, 11, d) for d in (15, 14, 13, 12, 11, 10, 9)
    ]


def test_notes_show_but_a_colleagues_private_note_stays_hidden(
    client_for, student_a, counsellor, colleague
):
    from schoolwell.referrals.services import referral_note_add

    referral = open_referral(student_a)
    referral_note_add(referral=referral, by=counsellor, body="Shared observation.", private=False)
    referral_note_add(referral=referral, by=colleague, body="Colleague's memory aid.", private=True)
    page = client_for(counsellor).get(url(student_a), {"kind": "notes"}).content.decode()
    assert "Shared observation." in page
    assert "Colleague&#x27;s memory aid." not in page and "memory aid (hidden)" in page
