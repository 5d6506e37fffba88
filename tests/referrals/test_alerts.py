"""Rule 4: urgent referrals alert the on-call counsellors by email and in-app, once;
the periodic check marks overdue referrals and escalates unclaimed ones to administrators."""

import datetime as dt

import pytest
from django.core import mail

from schoolwell.alerts.models import Delivery, State
from schoolwell.alerts.sending import deliveries_sweep, delivery_send
from schoolwell.referrals.alerts import referrals_mark_overdue
from schoolwell.referrals.models import Notification, Priority, Referral, ReferralEvent
from schoolwell.referrals.services import referral_claim, referral_trigger

from .conftest import NOW, open_referral, trigger

# Real commits, so the alert task (eager here) runs on commit as it does in production.
pytestmark = pytest.mark.django_db(transaction=True)


def test_urgent_referral_emails_and_notifies_the_on_call_counsellor(student_a, on_call, colleague):
    referral = open_referral(student_a, Priority.URGENT)
    assert [m.to for m in mail.outbox] == [[on_call.email]]
    # No child's name or reason in an email (mailboxes are less protected).
    assert student_a.family_name not in mail.outbox[0].body + mail.outbox[0].subject
    assert f"/referrals/{referral.pk}/" in mail.outbox[0].body
    notification = Notification.objects.get()
    assert notification.user == on_call and notification.emailed
    assert student_a.family_name in notification.message
    assert referral.events.filter(kind=ReferralEvent.Kind.ALERTED).count() == 1


def test_nobody_on_call_alerts_every_counsellor_of_the_school(student_a, counsellor, colleague):
    open_referral(student_a, Priority.URGENT)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([counsellor.email, colleague.email])


def test_one_alert_per_referral_not_per_reason(student_a, on_call):
    referral_trigger(
        student=student_a,
        triggers=[trigger("a", Priority.URGENT), trigger("b", Priority.URGENT)],
        now=NOW,
    )
    referral_trigger(student=student_a, triggers=[trigger("c", Priority.URGENT)], now=NOW)
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_raising_to_urgent_alerts_again(student_a, on_call):
    open_referral(student_a, Priority.ROUTINE, key="a")
    assert mail.outbox == []
    referral_trigger(student=student_a, triggers=[trigger("b", Priority.URGENT)], now=NOW)
    assert len(mail.outbox) == 1


def test_high_is_in_app_only_and_routine_is_silent(student_a, student_a2, on_call):
    open_referral(student_a, Priority.HIGH)
    open_referral(student_a2, Priority.ROUTINE)
    assert mail.outbox == []
    assert Notification.objects.count() == 1


def test_delivery_is_idempotent(student_a, on_call):
    open_referral(student_a, Priority.URGENT)
    rows = list(Delivery.objects.all())
    assert sorted(d.channel for d in rows) == ["email", "in_app"]
    assert all(d.state == State.SENT and d.attempts == 1 for d in rows)
    # A redelivered task message and the sweep find nothing left to send.
    assert [delivery_send(delivery_id=d.pk) for d in rows] == ["", ""]
    assert deliveries_sweep() == {"stale": 0}
    assert len(mail.outbox) == 1 and Notification.objects.count() == 1


def test_unclaimed_past_due_is_marked_and_escalated_once(student_a, on_call, school_admin):
    referral = open_referral(student_a, Priority.URGENT)
    mail.outbox.clear()
    assert referrals_mark_overdue(now=referral.due_at - dt.timedelta(seconds=1)) == {
        "marked": 0,
        "escalated": 0,
    }
    assert referrals_mark_overdue(now=referral.due_at + dt.timedelta(seconds=1)) == {
        "marked": 1,
        "escalated": 1,
    }
    referral.refresh_from_db()
    assert referral.overdue_at and referral.escalated_at
    assert [m.to for m in mail.outbox] == [[school_admin.email]]
    assert Notification.objects.filter(user=school_admin).count() == 1
    assert referrals_mark_overdue(now=referral.due_at + dt.timedelta(hours=1))["marked"] == 0
    assert len(mail.outbox) == 1


def test_claimed_past_due_is_marked_but_not_escalated(student_a, counsellor, school_admin):
    referral = open_referral(student_a, Priority.HIGH)
    referral_claim(referral=referral, by=counsellor)
    mail.outbox.clear()
    result = referrals_mark_overdue(now=referral.due_at + dt.timedelta(minutes=1))
    assert result == {"marked": 1, "escalated": 0}
    assert mail.outbox == []
    assert not Notification.objects.filter(user=school_admin).exists()
    assert Referral.objects.get(pk=referral.pk).escalated_at is None
    # The assignee hears about it in-app.
    assert Notification.objects.filter(user=counsellor, event__kind="overdue").exists()


def test_periodic_task_is_scheduled(settings):
    from schoolwell.celery import app

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "schoolwell.referrals.tasks.referrals_check_overdue" in tasks
    app.loader.import_default_modules()  # what a worker does at start (autodiscovery)
    assert "schoolwell.referrals.tasks.referrals_check_overdue" in app.tasks
