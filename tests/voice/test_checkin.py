"""The check-in service: consent gating, one current check-in per school day with the
corrections kept, the crisis path through the outbox and "wants to talk" routing."""

import datetime as dt

import pytest

from schoolwell.alerts.models import Channel as AlertChannel
from schoolwell.alerts.models import Delivery, Kind
from schoolwell.consent.models import Decision
from schoolwell.referrals.models import Priority, ReasonCode, Referral, Source
from schoolwell.voice.models import StudentCheckIn, Topic, WantsToTalk
from schoolwell.voice.services import VoiceError, VoiceForbidden, talk_request_answer
from tests.consent.conftest import decide
from tests.voice.conftest import NOW, record

pytestmark = pytest.mark.django_db


def test_without_consent_nothing_is_stored(student_a, checkin_form):
    with pytest.raises(VoiceForbidden):
        record(student_a)
    assert not StudentCheckIn.objects.exists()


def test_a_withdrawal_stops_the_next_check_in(consented, parent, checkin_form):
    record(consented)
    decide(consented, parent, checkin_form, Decision.REVOKED, at=NOW + dt.timedelta(hours=1))
    with pytest.raises(VoiceForbidden):
        record(consented, now=NOW + dt.timedelta(hours=2))
    assert StudentCheckIn.objects.count() == 1


def test_a_second_check_in_the_same_day_supersedes_and_keeps_the_first(consented):
    first = record(consented, feeling="sad").checkin
    second = record(consented, feeling="happy", now=NOW + dt.timedelta(hours=1)).checkin
    first.refresh_from_db()
    assert not first.current and first.superseded_at == NOW + dt.timedelta(hours=1)
    assert second.current
    assert StudentCheckIn.objects.filter(student=consented, date=NOW.date()).count() == 2
    # The next school day is a new check-in, not a correction.
    record(consented, now=NOW + dt.timedelta(days=1))
    assert StudentCheckIn.objects.filter(student=consented, current=True).count() == 2


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"feeling": "grumpy"}, "how you feel"),
        ({"energy": "max"}, "energy"),
        ({"topics": ["future"]}, "choices shown"),  # a grade-9+ topic for a 7th-grader
        ({"message": "x" * 281}, "too long"),
        ({"wants_to_talk": "maybe"}, "talk"),
        ({"wants_to_talk": "today", "trusted_adult_id": 999999}, "adults shown"),
    ],
)
def test_bad_input_is_refused_and_stores_nothing(consented, values, words):
    with pytest.raises(VoiceError, match=words):
        record(consented, **values)
    assert not StudentCheckIn.objects.exists()


def test_another_schools_adult_cannot_be_chosen(consented, other_counsellor):
    with pytest.raises(VoiceError):
        record(consented, wants_to_talk="today", trusted_adult_id=other_counsellor.pk)


def test_feeling_unsafe_opens_an_urgent_referral_alerting_on_call(
    consented, on_call, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        outcome = record(consented, feeling="scared", topics=[Topic.FEELING_UNSAFE])
    assert outcome.crisis and outcome.checkin.crisis
    referral = Referral.objects.get(student=consented)
    assert referral.priority == Priority.URGENT and referral.source == Source.STUDENT
    reason = referral.reasons.get()
    assert reason.code == ReasonCode.STUDENT_VOICE and reason.params["why"] == "unsafe"
    deliveries = Delivery.objects.filter(referral=referral)
    assert {(d.recipient_id, d.kind) for d in deliveries} == {(on_call.pk, Kind.URGENT)}
    assert {d.channel for d in deliveries} == {AlertChannel.IN_APP, AlertChannel.EMAIL}


def test_a_crisis_phrase_in_spanish_takes_the_same_path(consented, on_call):
    outcome = record(consented, feeling="sad", message="A veces quiero MORIRME")
    assert outcome.crisis
    reason = Referral.objects.get(student=consented).reasons.get()
    assert reason.params["why"] == "message"
    assert Delivery.objects.filter(kind=Kind.URGENT, recipient=on_call).exists()


def test_an_ordinary_message_raises_nothing(consented, on_call):
    outcome = record(consented, feeling="sad", message="My dog is sick")
    assert not outcome.crisis
    assert not Referral.objects.exists() and not Delivery.objects.exists()


def test_yes_today_alerts_the_chosen_adult_and_the_counsellors(
    consented, teacher, counsellor, other_counsellor
):
    checkin = record(
        consented, feeling="sad", wants_to_talk=WantsToTalk.TODAY, trusted_adult_id=teacher.pk
    ).checkin
    rows = Delivery.objects.filter(kind=Kind.WANTS_TO_TALK)
    assert {d.recipient_id for d in rows} == {teacher.pk, counsellor.pk}
    assert all(d.params == {"checkin": checkin.pk} for d in rows)
    assert all(d.message_code == "voice.wants_to_talk" for d in rows)


def test_yes_soon_and_not_now_alert_nobody(consented, teacher, counsellor):
    record(consented, wants_to_talk=WantsToTalk.SOON, trusted_adult_id=teacher.pk)
    record(consented, wants_to_talk=WantsToTalk.NOT_NOW, now=NOW + dt.timedelta(days=1))
    assert not Delivery.objects.exists()


def test_the_alert_email_names_no_student(consented, teacher, counsellor):
    from schoolwell.alerts import messages

    record(consented, wants_to_talk=WantsToTalk.TODAY, trusted_adult_id=teacher.pk)
    delivery = Delivery.objects.filter(recipient=teacher, channel=AlertChannel.EMAIL).get()
    rendered = messages.render(delivery)
    assert consented.family_name not in rendered.body + rendered.subject + rendered.summary
    assert consented.family_name in rendered.text  # in-app, inside the protected app


def test_only_the_chosen_adult_or_a_counsellor_answers(
    consented, teacher, other_teacher, counsellor
):
    checkin = record(
        consented, wants_to_talk=WantsToTalk.TODAY, trusted_adult_id=teacher.pk
    ).checkin
    with pytest.raises(Exception):  # noqa: B017 - Http404 or PermissionDenied
        talk_request_answer(checkin=checkin, by=other_teacher)
    talk_request_answer(checkin=checkin, by=teacher, now=NOW + dt.timedelta(minutes=30))
    checkin.refresh_from_db()
    assert checkin.talk_answered_by == teacher


def test_the_chosen_adult_sees_it_on_their_home_page(consented, teacher, client_for):
    from django.utils import timezone

    record(
        consented,
        wants_to_talk=WantsToTalk.TODAY,
        trusted_adult_id=teacher.pk,
        now=timezone.now(),
    )
    page = client_for(teacher).get("/").content.decode()
    assert "Wants to talk today" in page and consented.display_name in page
