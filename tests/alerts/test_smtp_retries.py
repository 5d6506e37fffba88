"""An urgent alert survives a mail server that refuses it: retried with exponential backoff
against a real SMTP server, and exactly one email arrives, with an absolute link."""

import datetime as dt
from email.header import decode_header, make_header

import pytest
from django.utils import timezone

from schoolwell.alerts.models import Channel, Delivery, State
from schoolwell.alerts.sending import deliveries_sweep
from schoolwell.referrals.models import Notification, Priority, ReferralEvent
from tests.referrals.conftest import open_referral

from .conftest import body_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_refused_twice_then_delivered_once_with_an_absolute_link(smtp, student_a, on_call):
    smtp.refuse = 2
    started = timezone.now()
    referral = open_referral(student_a, Priority.URGENT, now=started)  # commit → first try

    email = Delivery.objects.get(channel=Channel.EMAIL)
    assert (email.state, email.attempts) == (State.RETRYING, 1)
    assert "451" in email.last_error
    first_wait = email.next_attempt_at - started
    assert dt.timedelta(seconds=29) < first_wait < dt.timedelta(seconds=40)
    # The in-app notification does not wait for the mail server.
    assert Notification.objects.filter(user=on_call, referral=referral).exists()
    assert deliveries_sweep(now=started + dt.timedelta(seconds=10)) == {"stale": 0}  # not due

    deliveries_sweep(now=email.next_attempt_at)
    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.RETRYING, 2)
    second_wait = email.next_attempt_at - started
    assert second_wait > first_wait + dt.timedelta(seconds=55)  # doubled

    deliveries_sweep(now=email.next_attempt_at)
    email.refresh_from_db()
    assert (email.state, email.attempts, email.last_error) == (State.SENT, 3, "")
    assert smtp.attempts == 3 and len(smtp.received) == 1
    message = smtp.received[0]
    assert message["To"] == on_call.email
    assert message["Message-ID"] == f"<alert-{email.pk}@testserver>"
    body = body_of(message)
    assert f"http://testserver/referrals/{referral.pk}/" in body
    assert student_a.family_name not in body + message["Subject"]

    # Sweeping again sends nothing more.
    deliveries_sweep(now=timezone.now() + dt.timedelta(hours=1))
    assert len(smtp.received) == 1
    alerted = referral.events.filter(kind=ReferralEvent.Kind.ALERTED)
    assert alerted.count() == 1 and alerted.get().data["email"] is True


def test_spanish_reader_gets_the_email_in_spanish(smtp, student_a, on_call):
    on_call.preferred_language = "es"
    on_call.save()
    open_referral(student_a, Priority.URGENT)
    assert len(smtp.received) == 1
    subject = str(make_header(decode_header(smtp.received[0]["Subject"])))
    assert "actúe ahora" in subject
    assert "Ábrala en SchoolWell: http://testserver/referrals/" in body_of(smtp.received[0])
