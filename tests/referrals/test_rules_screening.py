"""Threshold rules on screening results: each kind fires at its boundary and not below.

Results are stand-ins with the ScreeningResult shape (the hook reads only these fields)."""

import itertools
from types import SimpleNamespace

import pytest

from schoolwell.referrals.models import Priority, Referral, RuleKind, ThresholdRule
from schoolwell.referrals.rules import rules_forget, screening_result_evaluate

_ids = itertools.count(1)


def result(student, code, *, total=None, band=None, subscales=None, critical=False, complete=True):
    return SimpleNamespace(
        pk=next(_ids),
        student=student,
        instrument=SimpleNamespace(code=code),
        total=total,
        band={"key": band, "label": band} if band else None,
        subscales=subscales or {},
        critical=critical,
        critical_reasons=["Thoughts of death or self-harm"] if critical else [],
        answers={"q9": 1} if critical else {},
        complete=complete,
    )


def fired(student):
    referral = Referral.objects.filter(student=student).first()
    return [] if referral is None else sorted(r.rule.code for r in referral.reasons.all())


@pytest.mark.parametrize(
    ("total", "expected"),
    [(9, []), (10, ["phq-a-moderate"]), (14, ["phq-a-moderate"])],
)
def test_total_at_or_above(rules_a, student_a, total, expected):
    screening_result_evaluate(result(student_a, "phq-a", total=total, band="mild"))
    assert fired(student_a) == expected


def test_total_ignores_incomplete_results(rules_a, student_a):
    screening_result_evaluate(result(student_a, "phq-a", total=12, complete=False))
    assert fired(student_a) == []


@pytest.mark.parametrize(
    ("band", "expected"),
    [("moderate", []), ("moderately-severe", ["phq-a-severe"]), ("severe", ["phq-a-severe"])],
)
def test_band_is_one_of(rules_a, student_a, band, expected):
    # Totals below the total rule, so only the band rule can fire.
    screening_result_evaluate(result(student_a, "phq-a", total=0, band=band))
    assert fired(student_a) == expected


@pytest.mark.parametrize(("score", "expected"), [(4, []), (5, ["psc-17-internalizing"])])
def test_subscale_at_or_above(rules_a, student_a, score, expected):
    subscales = {"internalizing": {"score": score, "band": None}}
    screening_result_evaluate(result(student_a, "psc-17", total=3, subscales=subscales))
    assert fired(student_a) == expected


@pytest.mark.parametrize(("band", "expected"), [("moderate", []), ("high", ["srss-ie-i6-high"])])
def test_subscale_band(rules_a, student_a, band, expected):
    subscales = {"I6": {"score": 9, "band": {"key": band, "label": band}}}
    screening_result_evaluate(result(student_a, "srss-ie", subscales=subscales))
    assert fired(student_a) == expected


def test_critical_answer_opens_an_urgent_referral_even_if_incomplete(rules_a, student_a):
    screening_result_evaluate(result(student_a, "phq-a", critical=True, complete=False))
    referral = Referral.objects.get(student=student_a)
    assert referral.priority == Priority.URGENT
    assert fired(student_a) == ["critical-item"]
    reason = referral.reasons.get()
    assert (reason.code, reason.params) == (
        "critical",
        {"instrument": "phq-a", "items": [["self-harm-thoughts", "q9", 1]]},
    )
    assert reason.summary == "PHQ-A item 9: Several days"


def test_no_critical_answer_no_referral(rules_a, student_a):
    screening_result_evaluate(result(student_a, "phq-a", total=2, band="minimal"))
    assert fired(student_a) == []


def test_critical_rule_for_one_instrument_ignores_others(rules_a, student_a, school_a):
    rule = rules_a["critical-item"]
    ThresholdRule.objects.filter(pk=rule.pk).update(instrument_code="asq")
    screening_result_evaluate(result(student_a, "phq-a", critical=True))
    assert fired(student_a) == []
    screening_result_evaluate(result(student_a, "asq", critical=True))
    assert fired(student_a) == ["critical-item"]


def test_several_rules_one_result_one_referral_at_top_priority(rules_a, student_a):
    screening_result_evaluate(result(student_a, "phq-a", total=21, band="severe", critical=True))
    referral = Referral.objects.get(student=student_a)
    assert referral.priority == Priority.URGENT
    assert fired(student_a) == ["critical-item", "phq-a-moderate", "phq-a-severe"]
    assert referral.events.count() == 1


def test_inactive_rules_and_other_schools_rules_do_not_fire(rules_a, student_a, student_b):
    ThresholdRule.objects.filter(school=student_a.school).update(active=False)
    screening_result_evaluate(result(student_a, "phq-a", total=27, critical=True))
    screening_result_evaluate(result(student_b, "phq-a", total=27, critical=True))
    assert not Referral.objects.exists()


def test_a_second_result_adds_a_reason_to_the_open_referral(rules_a, student_a):
    screening_result_evaluate(result(student_a, "gad-7", total=11))
    screening_result_evaluate(result(student_a, "gad-7", total=16))
    referral = Referral.objects.get(student=student_a)
    assert referral.reasons.count() == 3  # moderate twice (two results), severe once
    assert referral.priority == Priority.HIGH


def test_every_screening_rule_kind_is_shipped(rules_a):
    kinds = {r.kind for r in rules_a.values()}
    assert kinds >= {RuleKind.SCORE_TOTAL, RuleKind.SUBSCALE, RuleKind.BAND, RuleKind.CRITICAL}


def test_reason_says_what_fired(rules_a, student_a):
    screening_result_evaluate(result(student_a, "phq-a", total=10, band="moderate"))
    reason = Referral.objects.get(student=student_a).reasons.get()
    assert (reason.code, reason.params) == (
        "score_total",
        {"instrument": "phq-a", "total": 10, "threshold": "10"},
    )
    assert reason.summary == "PHQ-A total 10 (threshold 10)"


def test_rules_are_read_once_per_transaction(
    rules_a, student_a, student_a2, django_assert_num_queries
):
    rules_forget()
    with django_assert_num_queries(1):  # the rules; nothing fires, nothing else
        for student in (student_a, student_a2):
            screening_result_evaluate(result(student, "phq-a", total=1, band="minimal"))
