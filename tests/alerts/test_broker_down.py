"""A broker that is down at the moment of the cause loses nothing: the referral and its
outbox rows commit, the task message is lost, and the periodic sweep delivers later."""

import time

import pytest
from django.core import mail

from schoolwell.alerts.models import Delivery, State
from schoolwell.alerts.sending import deliveries_sweep
from schoolwell.celery import app
from schoolwell.referrals.models import Notification, Priority, Referral
from tests.referrals.conftest import open_referral

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_down():
    """Tasks go through a broker (not eager), at a port where nothing listens."""
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:1/1")
    _forget_connections()
    try:
        yield
    finally:
        app.conf.update(saved)
        _forget_connections()


def _forget_connections() -> None:
    app._pool = None
    app.amqp._producer_pool = None


def test_urgent_alert_waits_in_the_outbox_and_the_sweep_sends_it(broker_down, student_a, on_call):
    started = time.monotonic()
    referral = open_referral(student_a, Priority.URGENT)
    assert time.monotonic() - started < 5  # the request is not held by publish retries
    assert Referral.objects.filter(pk=referral.pk).exists()
    rows = Delivery.objects.filter(referral=referral)
    assert sorted(rows.values_list("channel", "state")) == [
        ("email", State.QUEUED),
        ("in_app", State.QUEUED),
    ]
    assert mail.outbox == [] and not Notification.objects.exists()

    # Later, beat runs the sweep (in a worker; here directly).
    result = deliveries_sweep()
    assert result[State.SENT] == 2
    assert set(rows.values_list("state", flat=True)) == {State.SENT}
    assert [m.to for m in mail.outbox] == [[on_call.email]]
    assert f"http://testserver/referrals/{referral.pk}/" in mail.outbox[0].body
    assert Notification.objects.filter(user=on_call, referral=referral, emailed=True).exists()


def test_a_sender_that_died_mid_send_is_retried_by_the_sweep(student_a, on_call, settings):
    import datetime as dt

    from django.utils import timezone

    referral = open_referral(student_a, Priority.ROUTINE)
    row = Delivery.objects.create(
        recipient=on_call,
        channel="email",
        kind="urgent",
        school=referral.school,
        referral=referral,
        referral_event=referral.events.get(),
        message_code="referral.created",
        params={"priority": Priority.URGENT},
        state=State.SENDING,
        attempts=1,
        claimed_at=timezone.now() - dt.timedelta(hours=1),
        next_attempt_at=timezone.now() - dt.timedelta(hours=1),
        created_at=timezone.now() - dt.timedelta(hours=1),
    )
    result = deliveries_sweep()
    row.refresh_from_db()
    assert result["stale"] == 1 and (row.state, row.attempts) == (State.SENT, 2)
    assert len(mail.outbox) == 1
