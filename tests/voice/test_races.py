"""Real concurrent check-ins on PostgreSQL: a student tapping "send" on two devices at
once leaves exactly one current check-in for the day, the other kept as a correction."""

import datetime as dt

import pytest

from schoolwell.voice.models import StudentCheckIn
from tests.referrals.test_races import run_at_once
from tests.voice.conftest import NOW, record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 6


@pytest.mark.parametrize("round_", range(3))
def test_racing_check_ins_leave_one_current(consented, round_):
    feelings = ["happy", "sad", "calm", "okay", "tired", "angry"]
    _results, errors = run_at_once(
        lambda i: record(consented, feeling=feelings[i], now=NOW + dt.timedelta(seconds=i)),
        n=THREADS,
    )
    assert errors == [None] * THREADS
    rows = StudentCheckIn.objects.filter(student=consented, date=NOW.date())
    assert rows.count() == THREADS
    assert rows.filter(current=True).count() == 1
