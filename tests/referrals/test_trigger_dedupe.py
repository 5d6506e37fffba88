"""Rule 3: one open referral per student; new triggers add reasons and may raise priority."""

import datetime as dt

import pytest
from django.db import IntegrityError

from schoolwell.referrals.models import Priority, Referral, ReferralEvent, Status
from schoolwell.referrals.services import referral_trigger

from .conftest import NOW, open_referral, trigger


def test_first_trigger_opens_a_referral_with_its_priority_and_due_time(student_a):
    outcome = referral_trigger(student=student_a, triggers=[trigger("a", Priority.URGENT)], now=NOW)
    referral = outcome.referral
    assert outcome.created and outcome.reasons_added == 1
    assert referral.status == Status.NEW and referral.priority == Priority.URGENT
    assert referral.due_at == NOW + dt.timedelta(hours=1)
    assert [e.kind for e in referral.events.all()] == [ReferralEvent.Kind.CREATED]


def test_second_trigger_adds_a_reason_to_the_open_referral(student_a):
    first = open_referral(student_a, key="a")
    outcome = referral_trigger(student=student_a, triggers=[trigger("b")], now=NOW)
    assert not outcome.created and outcome.referral.pk == first.pk
    assert Referral.objects.filter(student=student_a).count() == 1
    assert first.reasons.count() == 2
    assert ReferralEvent.Kind.REASON_ADDED in first.events.values_list("kind", flat=True)


def test_same_trigger_twice_adds_nothing(student_a):
    first = open_referral(student_a, key="a")
    outcome = referral_trigger(student=student_a, triggers=[trigger("a")], now=NOW)
    assert outcome.reasons_added == 0
    assert first.reasons.count() == 1
    assert first.events.count() == 1


def test_higher_priority_raises_priority_and_brings_due_time_forward(student_a):
    first = open_referral(student_a, Priority.ROUTINE, key="a")
    later = NOW + dt.timedelta(hours=2)
    outcome = referral_trigger(
        student=student_a, triggers=[trigger("b", Priority.URGENT)], now=later
    )
    first.refresh_from_db()
    assert outcome.priority_raised
    assert first.priority == Priority.URGENT
    assert first.due_at == later + dt.timedelta(hours=1)
    assert first.events.filter(kind=ReferralEvent.Kind.PRIORITY_RAISED).count() == 1


def test_lower_priority_does_not_lower_it(student_a):
    first = open_referral(student_a, Priority.URGENT, key="a")
    due = first.due_at
    outcome = referral_trigger(student=student_a, triggers=[trigger("b")], now=NOW)
    first.refresh_from_db()
    assert not outcome.priority_raised
    assert (first.priority, first.due_at) == (Priority.URGENT, due)


def test_a_closed_referral_does_not_absorb_new_triggers(student_a):
    first = open_referral(student_a, key="a")
    Referral.objects.filter(pk=first.pk).update(status=Status.CLOSED)
    outcome = referral_trigger(student=student_a, triggers=[trigger("a")], now=NOW)
    assert outcome.created and outcome.referral.pk != first.pk


def test_several_triggers_at_once_open_one_referral_at_the_top_priority(student_a):
    outcome = referral_trigger(
        student=student_a,
        triggers=[trigger("a"), trigger("b", Priority.URGENT), trigger("c", Priority.HIGH)],
        now=NOW,
    )
    assert outcome.referral.priority == Priority.URGENT
    assert outcome.referral.reasons.count() == 3
    assert outcome.referral.events.count() == 1


def test_database_refuses_a_second_open_referral(student_a):
    first = open_referral(student_a)
    with pytest.raises(IntegrityError):
        Referral.objects.create(
            school=first.school,
            student=student_a,
            source=first.source,
            priority=first.priority,
            opened_at=NOW,
            due_at=NOW,
        )
