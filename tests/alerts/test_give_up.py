"""A delivery that keeps failing is given up after ALERT_MAX_ATTEMPTS and escalates: the next
on-call counsellor and the school's administrators are alerted, and the failure shows on
the referral's page and the administrators' alert delivery page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.alerts.models import Channel, Delivery, Kind, State
from schoolwell.alerts.sending import deliveries_sweep
from schoolwell.referrals.models import Notification, OnCall, Priority
from tests.referrals.conftest import open_referral

from .conftest import body_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_given_up_escalates_to_next_on_call_and_admins(
    smtp, settings, student_a, on_call, colleague, school_admin, client_for
):
    settings.ALERT_MAX_ATTEMPTS = 3
    OnCall.objects.create(school=student_a.school, counsellor=colleague)
    smtp.refuse = 99
    referral = open_referral(student_a, Priority.URGENT)
    first = Delivery.objects.get(recipient=on_call, channel=Channel.EMAIL)
    later = timezone.now() + dt.timedelta(hours=2)
    for _ in range(3):
        deliveries_sweep(now=later)
        later += dt.timedelta(hours=2)
    first.refresh_from_db()
    assert (first.state, first.attempts) == (State.GAVE_UP, 3)
    assert "451" in first.last_error

    escalations = Delivery.objects.filter(escalated_from=first)
    assert {(d.recipient, d.channel, d.kind) for d in escalations} == {
        (colleague, Channel.IN_APP, Kind.DELIVERY_FAILED),
        (colleague, Channel.EMAIL, Kind.DELIVERY_FAILED),
        (school_admin, Channel.IN_APP, Kind.DELIVERY_FAILED),
        (school_admin, Channel.EMAIL, Kind.DELIVERY_FAILED),
    }
    # In-app escalations went out at once; their emails wait for the mail server too.
    assert Notification.objects.filter(user=school_admin, referral=referral).exists()
    smtp.refuse = 0
    deliveries_sweep(now=later + dt.timedelta(hours=2))
    assert set(escalations.values_list("state", flat=True)) == {State.SENT}
    to_admin = next(m for m in smtp.received if m["To"] == school_admin.email)
    assert "could not be delivered to Cora Counsellor" in body_of(to_admin)
    assert f"http://testserver/referrals/{referral.pk}/" in body_of(to_admin)
    assert student_a.family_name not in body_of(to_admin)

    page = client_for(colleague).get(reverse("referrals:detail", args=[referral.pk]))
    text = page.content.decode()
    assert "Alert delivery" in text and "Given up" in text and "451" in text
    admin_page = client_for(school_admin).get(reverse("alerts:deliveries"), {"state": "gave_up"})
    assert admin_page.status_code == 200
    shown = list(admin_page.context["page"])
    assert first in shown and {d.state for d in shown} == {State.GAVE_UP}
    # Both on-call counsellors' emails failed; each escalated to the other one.
    assert {d.recipient for d in shown} == {on_call, colleague}


def test_a_failed_escalation_is_not_escalated_again(settings, student_a, on_call, school_admin):
    settings.ALERT_MAX_ATTEMPTS = 1
    settings.EMAIL_BACKEND = "tests.alerts.test_give_up.BrokenBackend"
    open_referral(student_a, Priority.URGENT)
    failed = Delivery.objects.get(recipient=on_call, channel=Channel.EMAIL)
    assert failed.state == State.GAVE_UP
    to_admin = Delivery.objects.get(escalated_from=failed, channel=Channel.EMAIL)
    assert to_admin.state == State.GAVE_UP
    assert not Delivery.objects.filter(escalated_from=to_admin).exists()


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")
