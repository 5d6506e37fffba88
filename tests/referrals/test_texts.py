"""Reasons and events are stored as codes with parameters and read in the reader's
language: never a raw code, a rule's English text or an instrument's key."""

import importlib
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.utils import translation

from schoolwell.referrals import texts
from schoolwell.referrals.models import ReasonCode, Referral, ReferralEvent, ReferralReason

from .conftest import open_referral

CASES = [
    (
        ReasonCode.CRITICAL,
        {"instrument": "phq-a", "items": [["self-harm-thoughts", "q9", 1]]},
        "PHQ-A item 9: Several days",
        "PHQ-A pregunta 9: Varios días",
    ),
    (
        ReasonCode.CRITICAL,
        {
            "instrument": "phq-a",
            "items": [["suicide-attempt-lifetime", "suicide-attempt-lifetime", "yes"]],
        },
        "PHQ-A: Suicide attempt reported (lifetime): Yes",
        "PHQ-A: Intento de suicidio reportado (en toda la vida): Sí",
    ),
    (
        ReasonCode.SCORE_TOTAL,
        {"instrument": "phq-a", "total": 16, "threshold": "10"},
        "PHQ-A total 16 (threshold 10)",
        "PHQ-A total 16 (umbral 10)",
    ),
    (
        ReasonCode.BAND,
        {"instrument": "srss-ie", "subscale": "E7", "band": "high"},
        "SRSS-E7 externalizing: High risk",
        "SRSS-E7 externalizante: Riesgo alto",
    ),
    (
        ReasonCode.BAND,
        {"instrument": "phq-a", "subscale": "", "band": "severe"},
        "PHQ-A: Severe depression",
        "PHQ-A: Depresión grave",
    ),
    (
        ReasonCode.CHECKIN_LOW,
        {"count": 3, "threshold": "2", "days": 10},
        "3 low check-ins (2 or less) in 10 school days",
        "3 registros bajos (2 o menos) en 10 días escolares",
    ),
    (
        ReasonCode.CHECKIN_DROP,
        {"wellbeing": 1, "baseline": "4.0"},
        "Wellbeing 1 against a 4-week baseline of 4.0",
        "Bienestar 1 frente a una línea base de 4 semanas de 4,0",
    ),
    (
        ReasonCode.CONCERN_TAG,
        {"tag": "family_change"},
        "Check-in concern: Mentioned a big change at home",
        "Preocupación en el registro diario: Mencionó un cambio importante en casa",
    ),
]


@pytest.mark.parametrize(("code", "params", "en", "es"), CASES)
def test_each_reason_reads_in_english_and_spanish(code, params, en, es):
    reason = SimpleNamespace(code=code, params=params, raised_by=None, summary="raw")
    with translation.override("en"):
        assert texts.reason_text(reason) == en
    with translation.override("es"):
        spanish = texts.reason_text(reason)
    assert spanish == es
    # No raw code or key leaks into what a reader sees.
    for raw in ("family_change", "srss-ie", "phq-a", "q9", "critical", "score_total"):
        assert raw not in spanish


def test_concern_tag_labels_come_from_the_fixture():
    # The label used above is the fixture's; if the fixture changes, the text follows.
    from schoolwell.referrals import content

    assert content.concern_label("family_change", "es") in CASES[-1][3]


def test_a_teachers_concern_names_the_teacher(student_a, teacher):
    from schoolwell.referrals.services import concern_raise

    referral = concern_raise(
        student=student_a, by=teacher, concern_code="withdrawn", note="", priority=3
    ).referral
    reason = referral.reasons.select_related("raised_by").get()
    assert (reason.code, reason.params) == ("concern", {"concern": "withdrawn"})
    with translation.override("es"):
        assert texts.reason_text(reason) == (
            "Preocupación planteada por Tess Teacher: Retraído/a o inusualmente callado/a"
        )


def test_an_uncoded_reason_shows_its_stored_text():
    reason = SimpleNamespace(code="", params={}, raised_by=None, summary="Old English text")
    with translation.override("es"):
        assert texts.reason_text(reason) == "Old English text"


def test_leading_reason_is_the_most_serious():
    import datetime as dt

    at = dt.datetime(2026, 11, 18, 9, tzinfo=dt.UTC)

    def reason(pk, priority, code, params=None, minutes=0):
        return SimpleNamespace(
            pk=pk,
            priority=priority,
            code=code,
            params=params or {},
            rule_id=None,
            created_at=at + dt.timedelta(minutes=minutes),
        )

    low = reason(1, 3, ReasonCode.CHECKIN_LOW, minutes=30)
    concern = reason(2, 1, ReasonCode.CONCERN, {"concern": "withdrawn"}, minutes=20)
    critical = reason(3, 1, ReasonCode.CRITICAL, minutes=0)
    assert texts.leading_reason([low, concern, critical]) is critical
    assert texts.leading_reason([low, concern]) is concern
    assert texts.leading_reason([]) is None


def test_new_events_name_their_reasons_by_id(student_a):
    referral = open_referral(student_a, key="a")
    from schoolwell.referrals.services import Trigger, referral_trigger

    referral_trigger(
        student=student_a,
        triggers=[
            Trigger(
                source="rule",
                trigger_key="b",
                priority=3,
                due_within=1,
                due_unit="school_days",
                code=ReasonCode.CONCERN_TAG,
                params={"tag": "tired"},
            )
        ],
    )
    event = referral.events.get(kind=ReferralEvent.Kind.REASON_ADDED)
    assert set(event.data) == {"reason_ids"}
    event = ReferralEvent.objects.select_related("referral").get(pk=event.pk)
    with translation.override("es"):
        assert texts.event_text(event) == (
            "Motivo añadido: Preocupación en el registro diario: Muy cansado/a o con poca energía"
        )


def test_an_old_event_finds_its_reason_by_its_english_text(student_a):
    referral = open_referral(student_a, key="a")
    ReferralReason.objects.filter(referral=referral).update(
        code=ReasonCode.CHECKIN_LOW,
        params={"count": 3, "threshold": "2", "days": 10},
        summary="3 check-ins ≤ 2 within 10 school days",
    )
    event = ReferralEvent.objects.create(
        referral=referral,
        kind=ReferralEvent.Kind.REASON_ADDED,
        at=referral.opened_at,
        data={"reasons": ["3 check-ins ≤ 2 within 10 school days", "Something unknown"]},
    )
    with translation.override("es"):
        line = texts.event_text(event)
    assert (
        line
        == "Motivo añadido: 3 registros bajos (2 o menos) en 10 días escolares; Something unknown"
    )


MIGRATION = importlib.import_module("schoolwell.referrals.migrations.0006_reason_codes_from_text")


@pytest.mark.parametrize(
    ("summary", "key", "code", "params"),
    [
        (
            "phq-a total 16 (≥ 10)",
            "rule:1:result:5",
            "score_total",
            {"instrument": "phq-a", "total": 16, "threshold": "10"},
        ),
        (
            "srss-ie E7 band: high",
            "rule:1:result:5",
            "band",
            {"instrument": "srss-ie", "subscale": "E7", "band": "high"},
        ),
        (
            "phq-a band: severe",
            "rule:1:result:5",
            "band",
            {"instrument": "phq-a", "subscale": "", "band": "severe"},
        ),
        (
            "psc-17 internalizing 6 (≥ 5)",
            "rule:1:result:5",
            "subscale",
            {"instrument": "psc-17", "subscale": "internalizing", "score": "6", "threshold": "5"},
        ),
        (
            "3 check-ins ≤ 2 within 10 school days",
            "rule:1",
            "checkin_low",
            {"count": 3, "threshold": "2", "days": 10},
        ),
        (
            "Wellbeing 1 vs 4-week baseline 4.0",
            "rule:1",
            "checkin_drop",
            {"wellbeing": 1, "baseline": "4.0"},
        ),
        (
            "Concern tag: Family change or loss",
            "rule:1:tag:family_change",
            "concern_tag",
            {"tag": "family_change"},
        ),
        (
            "phq-a: critical answer (Thoughts…)",
            "rule:1:result:999999",
            "critical",
            {"instrument": "phq-a", "items": []},
        ),
    ],
)
def test_the_data_migration_parses_stored_english(db, summary, key, code, params):
    reason = SimpleNamespace(summary=summary, trigger_key=key, source="rule", concern_code="")
    assert MIGRATION.parse(apps, reason) == (code, params)


def test_the_data_migration_leaves_unknown_text_alone(db):
    reason = SimpleNamespace(
        summary="Something else", trigger_key="x", source="rule", concern_code=""
    )
    assert MIGRATION.parse(apps, reason) is None


def test_queue_detail_and_timeline_show_no_raw_codes_in_spanish(
    client_for, student_a, counsellor, rules_a
):
    from schoolwell.referrals.rules import checkins_evaluate
    from schoolwell.screening.models import CheckIn

    teacher_user = counsellor  # any user may stand as the check-in's teacher here
    checkin = CheckIn.objects.create(
        student=student_a,
        teacher=teacher_user,
        date=__import__("datetime").date(2026, 11, 18),
        wellbeing=3,
        tags=["family_change"],
    )
    checkins_evaluate([checkin])
    referral = Referral.objects.get(student=student_a)
    client = client_for(counsellor)
    client.cookies["django_language"] = "es"
    for url in (
        "/referrals/",
        f"/referrals/{referral.pk}/",
        f"/referrals/students/{student_a.pk}/timeline/",
    ):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
        assert "Mencionó un cambio importante en casa" in page, url
        assert not re.search(r"family_change|Concern tag", page), url
