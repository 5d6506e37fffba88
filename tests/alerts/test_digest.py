"""The daily digest: routine alerts of people who chose it are held and sent as one email."""

import pytest
from django.core import mail

from schoolwell.alerts.models import Audience, Channel, Delivery, Kind, State
from schoolwell.alerts.sending import digests_send
from schoolwell.alerts.services import notification_settings_save
from schoolwell.celery import app
from schoolwell.referrals.models import Notification, Priority
from tests.referrals.conftest import open_referral

pytestmark = pytest.mark.django_db(transaction=True)


def test_routine_items_arrive_as_one_daily_email(student_a, student_a2, on_call, school_admin):
    notification_settings_save(user=on_call, audiences={}, daily_digest=True)
    first = open_referral(student_a, Priority.HIGH)
    second = open_referral(student_a2, Priority.HIGH)
    # In-app at once; the email waits for the digest.
    assert Notification.objects.filter(user=on_call).count() == 2
    held = Delivery.objects.filter(recipient=on_call, channel=Channel.EMAIL)
    assert set(held.values_list("state", flat=True)) == {State.HELD}
    assert mail.outbox == []

    assert digests_send() == 1
    assert [m.to for m in mail.outbox] == [[on_call.email]]
    body = mail.outbox[0].body
    for referral in (first, second):
        assert f"http://testserver/referrals/{referral.pk}/" in body
    assert "High-priority referral at School A" in body
    assert student_a.family_name not in body and student_a2.family_name not in body
    assert "(2 items)" in mail.outbox[0].subject
    assert set(held.values_list("state", flat=True)) == {State.SENT}
    assert digests_send() == 0 and len(mail.outbox) == 1


def test_urgent_is_never_held(student_a, on_call):
    notification_settings_save(user=on_call, audiences={Kind.HIGH: Audience.ALL}, daily_digest=True)
    open_referral(student_a, Priority.URGENT)
    assert [m.to for m in mail.outbox] == [[on_call.email]]
    assert not Delivery.objects.filter(state=State.HELD).exists()


def test_digest_is_scheduled_daily_and_sweep_every_minute(settings):
    schedule = {e["task"]: e["schedule"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["schoolwell.alerts.tasks.deliveries_sweep_task"] == 60.0
    assert schedule["schoolwell.alerts.tasks.digests_send_task"].hour == {7}
    app.loader.import_default_modules()
    assert {
        "schoolwell.alerts.tasks.deliveries_sweep_task",
        "schoolwell.alerts.tasks.digests_send_task",
    } <= set(app.tasks)
