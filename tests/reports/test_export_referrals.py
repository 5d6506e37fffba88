"""The referral log: response times against due, scoped like the queue, events without notes."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from schoolwell.audit.models import AccessLog
from schoolwell.referrals.models import Priority, Referral, ReferralEvent, Source, Status

H = dt.timedelta(hours=1)


@pytest.fixture
def referrals(school_a, school_b, student_a, student_a2, student_b, counsellor):
    now = timezone.now()
    opened = now - 100 * H
    on_time = Referral.objects.create(
        school=school_a,
        student=student_a,
        source=Source.RULE,
        priority=Priority.HIGH,
        status=Status.CLOSED,
        assignee=counsellor,
        opened_at=opened,
        due_at=opened + 24 * H,
        claimed_at=opened + 6 * H,
        closed_at=opened + 48 * H,
        outcome="=resolved",
    )
    late_open = Referral.objects.create(
        school=school_a,
        student=student_a2,
        source=Source.MANUAL,
        priority=Priority.ROUTINE,
        status=Status.NEW,
        opened_at=opened,
        due_at=opened + 72 * H,
    )
    other_school = Referral.objects.create(
        school=school_b,
        student=student_b,
        source=Source.MANUAL,
        priority=Priority.URGENT,
        status=Status.NEW,
        opened_at=opened,
        due_at=opened + H,
    )
    ReferralEvent.objects.create(referral=on_time, at=opened, kind=ReferralEvent.Kind.CREATED)
    ReferralEvent.objects.create(
        referral=on_time, at=opened + 6 * H, kind=ReferralEvent.Kind.CLAIMED, actor=counsellor
    )
    ReferralEvent.objects.create(referral=other_school, at=opened, kind=ReferralEvent.Kind.CREATED)
    return on_time, late_open, other_school


def test_referral_log_with_response_times(run_export, school_admin, referrals, load_rows):
    on_time, late_open, _other = referrals
    sheets = load_rows(run_export(school_admin, "referrals"))
    header, *rows = sheets["Referrals"]
    assert header[16:21] == (
        "Hours to first action",
        "Hours allowed",
        "First action on time",
        "Hours to close",
        "Overdue now",
    )
    by_id = {row[0]: row for row in rows}
    assert set(by_id) == {on_time.pk, late_open.pk}  # never school B's
    row = by_id[on_time.pk]
    assert row[1] == "A1" and row[6:10] == ("Threshold rule", "High", "Closed", "Cora Counsellor")
    assert row[14] == "'=resolved"
    assert row[16:21] == (6.0, 24.0, True, 48.0, False)
    row = by_id[late_open.pk]
    assert row[12] is None and row[16] is None
    assert row[18] is False  # unclaimed past its due time
    assert row[20] is True
    events = sheets["Events"][1:]
    assert [(e[0], e[2], e[4]) for e in events] == [
        (on_time.pk, "Referral opened", None),
        (on_time.pk, "Claimed", "Cora Counsellor"),
    ]
    logged = AccessLog.objects.filter(what="export: referrals").values_list("student_id", flat=True)
    assert sorted(logged) == sorted([on_time.student_id, late_open.student_id])


def test_teachers_cannot_export_the_referral_log(run_export, teacher, referrals):
    with pytest.raises(PermissionDenied):
        run_export(teacher, "referrals")


def test_other_school_counsellor_sees_only_theirs(
    run_export, other_counsellor, referrals, load_rows
):
    rows = load_rows(run_export(other_counsellor, "referrals"))["Referrals"][1:]
    assert [row[1] for row in rows] == ["B1"]


def test_reasons_sheet_says_each_reason_in_words(
    run_export, school_admin, student_a, teacher, load_rows
):
    from schoolwell.referrals.services import concern_raise

    referral = concern_raise(
        student=student_a, by=teacher, concern_code="withdrawn", note="private words", priority=2
    ).referral
    rows = load_rows(run_export(school_admin, "referrals"))["Reasons"][1:]
    assert [(r[0], r[2], r[3]) for r in rows] == [
        (referral.pk, "High", "Concern raised by Tess Teacher: Withdrawn or unusually quiet")
    ]
    assert "private words" not in str(rows)
