"""Real concurrent transactions on PostgreSQL: a provider's link used from several tabs at
once completes the loop exactly once; reminders racing write one outbox row per loop."""

import datetime as dt

import pytest
from django.utils import timezone

from schoolwell.alerts.models import Delivery
from schoolwell.community import services
from schoolwell.community.reminders import MESSAGE_CODE, loops_remind
from schoolwell.community.services import REMIND_AFTER_DAYS
from tests.referrals.test_races import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
OUTCOMES = ["engaged", "assessed", "declined", "not_reached"] * 2


def test_racing_outcomes_complete_the_loop_once(loop):
    provider_loop, token = loop
    services.loop_report(token=token, acknowledge=True)
    results, errors = run_at_once(
        lambda i: services.loop_report(token=token, outcome=OUTCOMES[i], note=f"tab {i}")
    )
    winners = [i for i, r in enumerate(results) if r is not None]
    assert len(winners) == 1
    assert all(isinstance(e, services.LinkGone) for i, e in enumerate(errors) if i not in winners)
    provider_loop.refresh_from_db()
    assert provider_loop.outcome == OUTCOMES[winners[0]]
    assert provider_loop.outcome_note == f"tab {winners[0]}"


def test_racing_reminder_runs_write_one_row(loop):
    later = timezone.now() + dt.timedelta(days=REMIND_AFTER_DAYS, hours=1)
    results, errors = run_at_once(lambda i: loops_remind(now=later), n=4)
    assert errors == [None] * 4
    assert sum(results) == 1
    assert Delivery.objects.filter(message_code=MESSAGE_CODE).count() == 1
