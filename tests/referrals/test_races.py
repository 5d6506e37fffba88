"""Real concurrent transactions on PostgreSQL: each thread has its own connection.

Rule 3 (one open referral per student, however many triggers race) and rule 5 (exactly
one of several counsellors claiming at once wins)."""

import threading

import pytest
from django.db import connection

from schoolwell.accounts.models import User
from schoolwell.accounts.roles import Role
from schoolwell.referrals.models import Referral, ReferralEvent, Status
from schoolwell.referrals.services import ReferralConflict, referral_claim, referral_trigger
from schoolwell.roster.services import school_staff_add

from .conftest import NOW, open_referral, trigger

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 8


def run_at_once(fn, n=THREADS):
    """Call fn(i) in n threads released together; return (results, errors) by index."""
    barrier = threading.Barrier(n)
    results, errors = [None] * n, [None] * n

    def worker(i):
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:  # noqa: BLE001 - collected and asserted on below
            errors[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results, errors


@pytest.mark.parametrize("round_", range(3))
def test_racing_triggers_open_exactly_one_referral(student_a, round_):
    results, errors = run_at_once(
        lambda i: referral_trigger(student=student_a, triggers=[trigger(f"k{i}")], now=NOW)
    )
    assert errors == [None] * THREADS
    referrals = Referral.objects.filter(student=student_a)
    assert referrals.count() == 1
    referral = referrals.get()
    assert referral.reasons.count() == THREADS
    assert sum(r.created for r in results) == 1
    assert referral.events.filter(kind=ReferralEvent.Kind.CREATED).count() == 1
    assert referral.events.filter(kind=ReferralEvent.Kind.REASON_ADDED).count() == THREADS - 1


def test_racing_same_trigger_adds_one_reason(student_a):
    _, errors = run_at_once(
        lambda i: referral_trigger(student=student_a, triggers=[trigger("same")], now=NOW)
    )
    assert errors == [None] * THREADS
    assert Referral.objects.get(student=student_a).reasons.count() == 1


@pytest.mark.parametrize("round_", range(3))
def test_racing_claims_exactly_one_wins(student_a, school_a, round_):
    counsellors = []
    for i in range(THREADS):
        user = User.objects.create_user(username=f"c{i}", first_name="C", last_name=f"N{i}")
        school_staff_add(school=school_a, user=user, role=Role.COUNSELLOR)
        counsellors.append(user)
    referral = open_referral(student_a)
    results, errors = run_at_once(
        lambda i: referral_claim(referral=referral, by=User.objects.get(pk=counsellors[i].pk))
    )
    winners = [i for i, r in enumerate(results) if r is not None]
    assert len(winners) == 1
    winner = counsellors[winners[0]]
    losers = [e for e in errors if e is not None]
    assert len(losers) == THREADS - 1
    assert all(isinstance(e, ReferralConflict) for e in losers)
    assert all(str(winner) in e.message for e in losers)
    referral.refresh_from_db()
    assert (referral.status, referral.assignee) == (Status.CLAIMED, winner)
    assert referral.events.filter(kind=ReferralEvent.Kind.CLAIMED).count() == 1
