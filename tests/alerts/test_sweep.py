"""The sweep keeps going past a row it cannot send: one broken alert never holds up the rest."""

import pytest
from django.core import mail
from django.utils import timezone

from schoolwell.alerts.models import Channel, Delivery, Kind, State
from schoolwell.alerts.sending import deliveries_sweep
from schoolwell.referrals.models import Priority
from tests.referrals.conftest import open_referral

pytestmark = pytest.mark.django_db(transaction=True)


def _row(referral, recipient, code: str) -> Delivery:
    return Delivery.objects.create(
        recipient=recipient,
        channel=Channel.EMAIL,
        kind=Kind.URGENT,
        school=referral.school,
        referral=referral,
        referral_event=referral.events.get(),
        message_code=code,
        params={"priority": Priority.URGENT},
        next_attempt_at=timezone.now(),
        created_at=timezone.now(),
    )


def test_a_row_that_cannot_be_rendered_is_retried_and_the_others_are_sent(student_a, on_call):
    referral = open_referral(student_a, Priority.ROUTINE)
    broken = _row(referral, on_call, "nobody.knows")
    good = _row(referral, on_call, "referral.created")
    result = deliveries_sweep()
    broken.refresh_from_db()
    good.refresh_from_db()
    assert (good.state, broken.state) == (State.SENT, State.RETRYING)
    assert "KeyError" in broken.last_error
    assert result[State.SENT] == 1 and result[State.RETRYING] == 1
    assert len(mail.outbox) == 1
