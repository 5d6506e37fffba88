"""Two workers (or a retry and the sweep) sending the same row at the same moment send it
once: the conditional UPDATE that claims a row lets exactly one through."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from schoolwell.alerts.models import Channel, Delivery, Kind, State
from schoolwell.alerts.sending import delivery_send
from schoolwell.referrals.models import Priority
from tests.referrals.conftest import open_referral

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("round_", range(5))
def test_two_concurrent_senders_send_once(round_, student_a, on_call):
    referral = open_referral(student_a, Priority.ROUTINE)  # routine: no alert of its own
    row = Delivery.objects.create(
        recipient=on_call,
        channel=Channel.EMAIL,
        kind=Kind.URGENT,
        school=referral.school,
        referral=referral,
        referral_event=referral.events.get(),
        message_code="referral.created",
        params={"priority": Priority.URGENT},
        next_attempt_at=timezone.now(),
        created_at=timezone.now(),
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def sender():
        try:
            barrier.wait()
            outcomes.append(delivery_send(delivery_id=row.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["", State.SENT]
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.SENT, 1)
