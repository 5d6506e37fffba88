"""The retention schedule at its boundaries (a day before and after expiry), legal holds,
the purge log (counts, never data) and the shredder as the only path through append-only
tables."""

import datetime as dt

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from schoolwell.audit.models import AccessLog, AppendOnlyError
from schoolwell.lifecycle import services, shredder
from schoolwell.lifecycle.models import LegalHold, PurgeLog
from schoolwell.lifecycle.policy import DEFAULT_RETENTION_DAYS
from schoolwell.referrals.models import Referral, ReferralEvent, ReferralNote
from schoolwell.referrals.models import Status as ReferralStatus
from schoolwell.screening.models import CheckIn, CheckInRevision, ScreeningResult
from tests.lifecycle.conftest import add_checkin, add_result
from tests.referrals.conftest import open_referral

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 6, 1)


def left_school(student, on: dt.date) -> None:
    student.enrollments.update(end_date=on, active=False)
    type(student).objects.filter(pk=student.pk).update(active=False)


def purge(school, today=TODAY):
    return {
        log.category: log.rows for log in services.retention_apply(today=today, schools=[school])
    }


@pytest.mark.parametrize(("offset", "kept"), [(-1, True), (0, True), (1, False)])
def test_checkins_go_365_days_after_the_student_leaves(student_a, teacher, school_a, offset, kept):
    left_on = TODAY - dt.timedelta(days=365 + offset)
    add_checkin(student_a, teacher, left_on - dt.timedelta(days=30))
    add_checkin(student_a, teacher, left_on)
    left_school(student_a, left_on)
    logged = purge(school_a)
    assert CheckIn.objects.filter(student=student_a).exists() is kept
    assert logged == ({} if kept else {"checkins": 2})


def test_checkins_of_a_student_still_here_stay(student_a, teacher, school_a):
    add_checkin(student_a, teacher, TODAY - dt.timedelta(days=900))
    purge(school_a)
    assert CheckIn.objects.filter(student=student_a).count() == 1


@pytest.mark.parametrize(("offset", "kept"), [(-1, True), (1, False)])
def test_screening_results_go_after_three_years(student_a, school_a, instruments, offset, kept):
    days = DEFAULT_RETENTION_DAYS["screening"]
    when = timezone.make_aware(
        dt.datetime.combine(TODAY - dt.timedelta(days=days + offset), dt.time(12))
    )
    add_result(student_a, instruments["phq-a"], when)
    purge(school_a)
    assert ScreeningResult.objects.filter(student=student_a).exists() is kept


@pytest.mark.parametrize(("offset", "kept"), [(-1, True), (1, False)])
def test_closed_referrals_go_after_five_years_with_their_events_and_notes(
    student_a, school_a, counsellor, offset, kept
):
    from schoolwell.referrals.services import referral_note_add

    referral = open_referral(student_a, now=timezone.now())
    referral_note_add(referral=referral, by=counsellor, body="private", private=True)
    closed = timezone.make_aware(
        dt.datetime.combine(TODAY - dt.timedelta(days=5 * 365 + offset), dt.time(12))
    )
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.CLOSED, closed_at=closed)
    events = ReferralEvent.objects.filter(referral=referral).count()
    logged = purge(school_a)
    assert Referral.objects.filter(pk=referral.pk).exists() is kept
    assert ReferralNote.objects.filter(referral_id=referral.pk).exists() is kept
    assert (ReferralEvent.objects.filter(referral_id=referral.pk).count() == events) is kept
    assert logged == ({} if kept else {"support": 1})


def test_open_referrals_are_never_purged(student_a, school_a):
    open_referral(student_a, now=timezone.now() - dt.timedelta(days=4000))
    purge(school_a, today=timezone.localdate() + dt.timedelta(days=4000))
    assert Referral.objects.filter(student=student_a).exists()


def test_a_school_sets_its_own_period(student_a, school_a, instruments, school_admin):
    services.retention_set(school=school_a, category="screening", days=400, by=school_admin)
    add_result(student_a, instruments["phq-a"], timezone.now() - dt.timedelta(days=401))
    purge(school_a, today=timezone.localdate())
    assert not ScreeningResult.objects.exists()


def test_a_legal_hold_stops_the_purge(student_a, school_a, instruments, school_admin):
    add_result(student_a, instruments["phq-a"], timezone.now() - dt.timedelta(days=4000))
    hold = services.legal_hold_place(student=student_a, by=school_admin, reason="Court order")
    purge(school_a, today=timezone.localdate())
    assert ScreeningResult.objects.exists()
    services.legal_hold_release(hold=hold, by=school_admin)
    purge(school_a, today=timezone.localdate())
    assert not ScreeningResult.objects.exists()


def test_purge_log_holds_counts_never_data(student_a, school_a, instruments):
    add_result(student_a, instruments["phq-a"], timezone.now() - dt.timedelta(days=4000))
    purge(school_a, today=timezone.localdate())
    log = PurgeLog.objects.get()
    assert (log.category, log.rows, log.cause) == ("screening", 1, "retention")
    assert {f.name for f in PurgeLog._meta.concrete_fields} == {
        "id",
        "at",
        "school",
        "cause",
        "category",
        "rows",
        "erasure",
    }
    with pytest.raises(AppendOnlyError):
        log.delete()


def test_other_schools_are_untouched(student_a, student_b, school_a, instruments):
    old = timezone.now() - dt.timedelta(days=4000)
    add_result(student_a, instruments["phq-a"], old)
    add_result(student_b, instruments["phq-a"], old)
    purge(school_a, today=timezone.localdate())
    assert list(ScreeningResult.objects.values_list("student_id", flat=True)) == [student_b.pk]


def test_the_beat_task_applies_every_school(student_a, student_b, instruments):
    from schoolwell.lifecycle.tasks import retention_apply_task

    old = timezone.now() - dt.timedelta(days=4000)
    add_result(student_a, instruments["phq-a"], old)
    add_result(student_b, instruments["phq-a"], old)
    assert retention_apply_task() == 2


def test_the_task_is_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "schoolwell.lifecycle.tasks.retention_apply_task" in tasks


# --- the shredder: the only path through append-only tables ---


def test_dependents_go_with_their_rows(student_a, teacher):
    checkin = add_checkin(student_a, teacher, dt.date(2026, 9, 1))
    CheckInRevision.objects.create(checkin=checkin, wellbeing=2, changed_by=teacher)
    counts = shredder.shred([CheckIn.objects.filter(pk=checkin.pk)])
    assert counts == {"screening.CheckIn": 1, "screening.CheckInRevision": 1}
    assert not CheckInRevision.objects.exists()


def test_the_guard_is_back_after_shredding(student_a, counsellor):
    referral = open_referral(student_a, now=timezone.now())
    shredder.shred([Referral.objects.filter(pk=referral.pk)])
    log = AccessLog.objects.create(user=counsellor, student=student_a, what="student profile")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_accesslog SET what = 'x' WHERE id = %s", [log.pk])
    assert AccessLog.objects.filter(what="student profile").exists()


def test_kept_records_are_never_shredded(student_a, counsellor):
    AccessLog.objects.create(user=counsellor, student=student_a, what="student profile")
    with pytest.raises(shredder.ShredError):
        shredder.shred([AccessLog.objects.all()])
    with pytest.raises(shredder.ShredError):
        shredder.shred([LegalHold.objects.all()])
    assert AccessLog.objects.count() == 1


def test_a_failed_shred_changes_nothing(student_a, teacher):
    add_checkin(student_a, teacher, dt.date(2026, 9, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        shredder.shred([CheckIn.objects.all()])
        raise IntegrityError("later failure")
    assert CheckIn.objects.count() == 1


@pytest.mark.parametrize(("offset", "kept"), [(-1, True), (1, False)])
def test_students_own_checkins_go_with_the_teachers(student_a, teacher, school_a, offset, kept):
    from schoolwell.voice.models import Channel, StudentCheckIn

    left_on = TODAY - dt.timedelta(days=365 + offset)
    add_checkin(student_a, teacher, left_on)
    StudentCheckIn.objects.create(
        school=school_a,
        student=student_a,
        date=left_on,
        feeling="sad",
        message="Quillfeather",
        channel=Channel.LINK,
        created_at=timezone.make_aware(dt.datetime.combine(left_on, dt.time(9))),
    )
    left_school(student_a, left_on)
    logged = purge(school_a)
    assert StudentCheckIn.objects.filter(student=student_a).exists() is kept
    assert logged == ({} if kept else {"checkins": 2})
