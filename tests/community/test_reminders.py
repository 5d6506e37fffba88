"""No acknowledgement within REMIND_AFTER_DAYS: a reminder through the alerts outbox to the
referral's counsellor, once per period."""

import datetime as dt

import pytest
from django.utils import timezone

from schoolwell.alerts import messages
from schoolwell.alerts.models import Delivery
from schoolwell.community import services
from schoolwell.community.reminders import MESSAGE_CODE, loops_remind
from schoolwell.community.services import REMIND_AFTER_DAYS

pytestmark = pytest.mark.django_db


def rows():
    return Delivery.objects.filter(message_code=MESSAGE_CODE)


def test_reminders_go_through_the_outbox_once_per_period(loop, counsellor):
    provider_loop, _token = loop
    now = timezone.now()
    assert loops_remind(now=now) == 0  # too early
    later = now + dt.timedelta(days=REMIND_AFTER_DAYS, hours=1)
    assert loops_remind(now=later) == 1
    assert loops_remind(now=later + dt.timedelta(hours=1)) == 0  # not twice in a period
    delivery = rows().get()
    assert delivery.recipient == counsellor and delivery.referral_id == provider_loop.referral_id
    rendered = messages.render(delivery)
    assert "Clinic Center" in rendered.body
    assert provider_loop.referral.student.given_name not in rendered.body  # email: no name
    assert loops_remind(now=later + dt.timedelta(days=REMIND_AFTER_DAYS, hours=2)) == 1
    provider_loop.refresh_from_db()
    assert provider_loop.reminders == 2


def test_an_acknowledged_loop_is_not_reminded(loop):
    _provider_loop, token = loop
    services.loop_report(token=token, acknowledge=True)
    later = timezone.now() + dt.timedelta(days=REMIND_AFTER_DAYS + 1)
    assert loops_remind(now=later) == 0
    assert not rows().exists()
