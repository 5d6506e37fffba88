"""The student-voice threshold rule kinds at their boundaries: N low feelings within D
school days, a drop from the student's own baseline, repeated "feeling unsafe". The pure
checks (referrals.evaluation), the live hook, the what-if replay and the rule forms."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from schoolwell.referrals import evaluation
from schoolwell.referrals.models import (
    DueUnit,
    Priority,
    ReasonCode,
    Referral,
    RuleKind,
    ThresholdRule,
)
from schoolwell.referrals.rule_forms import rule_form
from schoolwell.referrals.whatif import rule_whatif
from schoolwell.voice.models import Topic
from tests.voice.conftest import record

D = dt.date
WED = D(2026, 11, 18)


def rule(kind, pk=1, **values):
    return ThresholdRule(
        pk=pk,
        kind=kind,
        priority=Priority.ROUTINE,
        due_within=2,
        due_unit=DueUnit.SCHOOL_DAYS,
        **values,
    )


def checkin(day=WED, score=3, low=False, unsafe=False):
    return SimpleNamespace(student_id=1, date=day, score=score, low=low, unsafe=unsafe)


def history(rows):
    """rows: (date, score, low, unsafe)"""
    return evaluation.VoiceHistory(rows)


def _lows(*days):
    return [(day, 1, True, False) for day in days]


# Five school days ending Wednesday 18 November: Thursday 12 … Wednesday 18.
@pytest.mark.parametrize(
    ("low_days", "fires"),
    [
        ([D(2026, 11, 12), D(2026, 11, 16), WED], True),  # the window's first day counts
        ([D(2026, 11, 11), D(2026, 11, 16), WED], False),  # one day before it does not
        ([D(2026, 11, 14), D(2026, 11, 16), WED], False),  # a Saturday is not a school day
        ([D(2026, 11, 13), D(2026, 11, 16), D(2026, 11, 17), WED], True),
    ],
)
def test_n_low_feelings_within_d_school_days(low_days, fires):
    found = evaluation.voice_fires(
        [rule(RuleKind.VOICE_LOW, count=3, window_school_days=5)],
        checkin(low=True),
        history(_lows(*low_days)),
    )
    assert bool(found) is fires
    if fires:
        assert found[0].code == ReasonCode.VOICE_LOW and found[0].params["days"] == 5


@pytest.mark.parametrize(
    ("baseline", "today", "fires"),
    [
        ([4] * 5, 2, True),  # a drop of exactly the threshold
        ([4] * 5, 3, False),  # one point short
        ([4] * 4, 1, False),  # four earlier check-ins are not a baseline yet
        ([5, 5, 4, 4, 4], 2, True),  # mean 4.4, drop 2.4
    ],
)
def test_drop_from_the_students_own_baseline(baseline, today, fires):
    rows = [
        (WED - dt.timedelta(days=2 + n), score, False, False) for n, score in enumerate(baseline)
    ]
    rows.append((WED, today, False, False))
    found = evaluation.voice_fires(
        [rule(RuleKind.VOICE_DROP, threshold=Decimal(2))], checkin(score=today), history(rows)
    )
    assert bool(found) is fires


def test_the_baseline_reads_only_the_four_weeks_before():
    old = [(WED - dt.timedelta(days=29 + n), 5, False, False) for n in range(6)]
    found = evaluation.voice_fires(
        [rule(RuleKind.VOICE_DROP, threshold=Decimal(2))],
        checkin(score=1),
        history(old + [(WED, 1, False, False)]),
    )
    assert not found


# Ten school days ending Wednesday 18 November start on Thursday 5 November.
@pytest.mark.parametrize(
    ("unsafe_days", "fires"),
    [
        ([D(2026, 11, 5), WED], True),
        ([D(2026, 11, 4), WED], False),
        ([WED], False),
    ],
)
def test_repeated_feeling_unsafe(unsafe_days, fires):
    rows = [(day, 1, True, True) for day in unsafe_days]
    found = evaluation.voice_fires(
        [rule(RuleKind.VOICE_UNSAFE, count=2, window_school_days=10)],
        checkin(unsafe=True),
        history(rows),
    )
    assert bool(found) is fires


# ------------------------------------------------------------------ live and replayed


@pytest.fixture
def voice_rules(school_a):
    made = {}
    for code, kind, values in [
        ("low", RuleKind.VOICE_LOW, {"count": 3, "window_school_days": 5}),
        ("unsafe", RuleKind.VOICE_UNSAFE, {"count": 2, "window_school_days": 10}),
    ]:
        made[code] = ThresholdRule.objects.create(
            school=school_a,
            code=code,
            kind=kind,
            priority=Priority.HIGH,
            due_within=2,
            due_unit=DueUnit.SCHOOL_DAYS,
            **values,
        )
    return made


def _at(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


@pytest.mark.django_db
def test_the_live_hook_opens_a_referral_on_the_third_low_day(consented, voice_rules):
    for day in (D(2026, 11, 16), D(2026, 11, 17)):
        record(consented, feeling="sad", now=_at(day))
    assert not Referral.objects.exists()
    record(consented, feeling="worried", now=_at(WED))
    reason = Referral.objects.get(student=consented).reasons.get()
    assert reason.code == ReasonCode.VOICE_LOW and reason.rule == voice_rules["low"]


@pytest.mark.django_db
def test_a_corrected_low_day_no_longer_counts(consented, voice_rules):
    record(consented, feeling="sad", now=_at(D(2026, 11, 16)))
    record(consented, feeling="sad", now=_at(D(2026, 11, 17)))
    record(consented, feeling="happy", now=_at(D(2026, 11, 17)) + dt.timedelta(hours=1))
    record(consented, feeling="sad", now=_at(WED))
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_the_settings_decide_what_counts_as_low(consented, voice_rules, school_a, school_admin):
    from schoolwell.voice.services import voice_settings_update

    voice_settings_update(
        school=school_a, by=school_admin, low_feelings=["tired"], message_audience="counsellors"
    )
    for day in (D(2026, 11, 16), D(2026, 11, 17), WED):
        record(consented, feeling="sad", now=_at(day))
    assert not Referral.objects.exists()
    for day in (D(2026, 11, 19), D(2026, 11, 20), D(2026, 11, 23)):
        record(consented, feeling="tired", now=_at(day))
    assert Referral.objects.get().reasons.get().code == ReasonCode.VOICE_LOW


@pytest.mark.django_db
def test_repeated_unsafe_adds_its_reason_to_the_open_referral(consented, voice_rules, on_call):
    record(consented, feeling="scared", topics=[Topic.FEELING_UNSAFE], now=_at(D(2026, 11, 10)))
    record(consented, feeling="scared", topics=[Topic.FEELING_UNSAFE], now=_at(WED))
    referral = Referral.objects.get(student=consented)  # rule 3: one open referral
    codes = sorted(r.code for r in referral.reasons.all())
    assert codes == sorted(
        [ReasonCode.STUDENT_VOICE, ReasonCode.STUDENT_VOICE, ReasonCode.VOICE_UNSAFE]
    )
    assert referral.priority == Priority.URGENT


@pytest.mark.django_db
def test_the_what_if_replay_agrees_with_the_live_hook(consented, school_a):
    for day in (D(2026, 11, 16), D(2026, 11, 17), WED):
        record(consented, feeling="sad", now=_at(day))
    proposed = rule(RuleKind.VOICE_LOW, pk=None, count=3, window_school_days=5)
    proposed.school = school_a
    proposed.active = True
    replay = rule_whatif(school=school_a, proposed=proposed, weeks=4, today=WED)
    assert replay.newly_flagged == [consented.pk]
    stricter = rule(RuleKind.VOICE_LOW, pk=None, count=4, window_school_days=5)
    stricter.school, stricter.active = school_a, True
    assert rule_whatif(school=school_a, proposed=stricter, weeks=4, today=WED).newly_flagged == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "data", "valid"),
    [
        (RuleKind.VOICE_LOW, {"count": 3, "window_school_days": 10}, True),
        (RuleKind.VOICE_LOW, {"count": 11, "window_school_days": 10}, False),
        (RuleKind.VOICE_LOW, {"count": 0, "window_school_days": 10}, False),
        (RuleKind.VOICE_UNSAFE, {"count": 2, "window_school_days": 10}, True),
        (RuleKind.VOICE_DROP, {"threshold": "1.5"}, True),
        (RuleKind.VOICE_DROP, {"threshold": "0.4"}, False),
        (RuleKind.VOICE_DROP, {"threshold": "abc"}, False),
    ],
)
def test_one_form_per_kind(kind, data, valid, school_a):
    base = {
        "priority": Priority.ROUTINE,
        "due_within": 5,
        "due_unit": DueUnit.SCHOOL_DAYS,
        "weeks": 12,
    }
    form = rule_form(kind, {**base, **data}, school=school_a)
    assert form.is_valid() is valid, form.errors
    if valid:
        proposed = form.proposed(None)
        proposed.full_clean(exclude=["school", "code"])
        assert proposed.display_name("es") != proposed.display_name("en")
