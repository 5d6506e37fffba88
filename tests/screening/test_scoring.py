"""Scoring engine: published examples, every band edge, critical items, missing answers."""

import dataclasses
import itertools
from types import SimpleNamespace

import pytest
from django.utils import translation

from schoolwell.screening import instruments
from schoolwell.screening.scoring import AnswerError, critical_reasons, score

PHQ_ITEMS = [f"q{n}" for n in range(1, 10)]
SRSS_E7 = [
    "steal",
    "lie-cheat-sneak",
    "behavior-problem",
    "peer-rejection",
    "low-academic-achievement",
    "negative-attitude",
    "aggressive-behavior",
]
SRSS_I5 = ["emotionally-flat", "shy-withdrawn", "sad-depressed", "anxious", "lonely"]
SRSS_I6 = [*SRSS_I5, "peer-rejection"]


# --------------------------------------------------------------- published examples (§8)


def test_phq9_hl7_example_is_3_minimal(shipped):
    result = score(shipped["phq-9"], [0, 0, 1, 1, 1, 0, 0, 0, 0])
    assert (result.total, result.band.key, result.complete) == (3, "minimal", True)
    assert result.critical is False
    assert result.critical_reasons == ()


@pytest.mark.parametrize("difficulty", [[], [3]], ids=["without-difficulty", "extremely-difficult"])
def test_phq9_mii_example_all_threes_is_27_severe(shipped, difficulty):
    result = score(shipped["phq-9"], [3] * 9 + difficulty)
    assert (result.total, result.band.key, result.complete) == (27, "severe", True)
    assert result.critical is True  # item 9 = 3


def test_gad7_hl7_example_is_3_minimal(shipped):
    result = score(shipped["gad-7"], [0, 0, 1, 1, 0, 1, 0])
    assert (result.total, result.band.key, result.complete) == (3, "minimal", True)
    assert result.band.label == "Minimal anxiety"


# --------------------------------------------------------------- band edges, each side

PHQ_EDGES = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "moderately-severe"),
    (19, "moderately-severe"),
    (20, "severe"),
    (27, "severe"),
]
GAD_EDGES = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "severe"),
    (21, "severe"),
]
WHO5_EDGES = [
    (0, "poor-wellbeing"),
    (12, "poor-wellbeing"),
    (13, "above-cutoff"),
    (25, "above-cutoff"),
]
PSC_TOTAL_EDGES = [(0, "negative"), (14, "negative"), (15, "positive"), (34, "positive")]


@pytest.mark.parametrize(
    ("code", "value", "band"),
    [("phq-9", v, b) for v, b in PHQ_EDGES]
    + [("phq-a", v, b) for v, b in PHQ_EDGES]
    + [("gad-7", v, b) for v, b in GAD_EDGES]
    + [("who-5", v, b) for v, b in WHO5_EDGES]
    + [("psc-17", v, b) for v, b in PSC_TOTAL_EDGES],
)
def test_total_band_edges(shipped, with_total, code, value, band):
    definition = shipped[code]
    answers = with_total(definition, definition["scoring"]["total"]["items"], value)
    result = score(definition, answers)
    assert (result.total, result.band.key, result.complete) == (value, band, True)


@pytest.mark.parametrize(("raw", "percentage"), [(0, 0), (12, 48), (13, 52), (25, 100)])
def test_who5_percentage_is_raw_times_four(shipped, with_total, raw, percentage):
    answers = with_total(shipped["who-5"], [f"q{n}" for n in range(1, 6)], raw)
    result = score(shipped["who-5"], answers)
    assert result.scaled == {"percentage": percentage}
    assert result.to_dict(full=True)["scaled"] == {"percentage": percentage}


@pytest.mark.parametrize(
    ("code", "grade", "subscale", "items", "value", "band"),
    [
        # SRSS-E7, all grades: 0–3 low, 4–8 moderate, 9–21 high
        *[
            ("srss-ie", grade, "E7", SRSS_E7, v, b)
            for grade in (3, 8)
            for v, b in [
                (0, "low"),
                (3, "low"),
                (4, "moderate"),
                (8, "moderate"),
                (9, "high"),
                (21, "high"),
            ]
        ],
        # SRSS-I5, grades K–5: 0–1 low, 2–3 moderate, 4–15 high
        *[
            ("srss-ie", 3, "I5", SRSS_I5, v, b)
            for v, b in [
                (0, "low"),
                (1, "low"),
                (2, "moderate"),
                (3, "moderate"),
                (4, "high"),
                (15, "high"),
            ]
        ],
        # SRSS-I6, grades 6–12: 0–3 low, 4–5 moderate, 6–18 high
        *[
            ("srss-ie", 8, "I6", SRSS_I6, v, b)
            for v, b in [
                (0, "low"),
                (3, "low"),
                (4, "moderate"),
                (5, "moderate"),
                (6, "high"),
                (18, "high"),
            ]
        ],
        # PSC-17 subscales: I ≥ 5, A ≥ 7, E ≥ 7
        *[
            ("psc-17", None, "internalizing", ["q2", "q6", "q9", "q11", "q15"], v, b)
            for v, b in [(0, "negative"), (4, "negative"), (5, "positive"), (10, "positive")]
        ],
        *[
            ("psc-17", None, "attention", ["q1", "q3", "q7", "q13", "q17"], v, b)
            for v, b in [(0, "negative"), (6, "negative"), (7, "positive"), (10, "positive")]
        ],
        *[
            ("psc-17", None, "externalizing", ["q4", "q5", "q8", "q10", "q12", "q14", "q16"], v, b)
            for v, b in [(0, "negative"), (6, "negative"), (7, "positive"), (14, "positive")]
        ],
    ],
)
def test_subscale_band_edges(shipped, with_total, code, grade, subscale, items, value, band):
    answers = with_total(shipped[code], items, value)
    result = score(shipped[code], answers, grade=grade)
    assert result.subscales[subscale].score == value
    assert result.subscales[subscale].band.key == band
    assert result.complete is True


# --------------------------------------------------------------- SRSS-IE grade versions


def srss_answers(**values):
    answers = dict.fromkeys(SRSS_E7 + SRSS_I5, 0)
    answers.update({key.replace("_", "-"): value for key, value in values.items()})
    return answers


def test_srss_same_answers_grade_5_uses_i5_and_grade_6_uses_i6_with_peer_rejection(shipped):
    # Internalizing items sum to 3; peer rejection rated "frequently" (3).
    answers = srss_answers(shy_withdrawn=1, sad_depressed=1, anxious=1, peer_rejection=3)
    grade5 = score(shipped["srss-ie"], answers, grade=5)
    grade6 = score(shipped["srss-ie"], answers, grade=6)

    assert list(grade5.subscales) == ["E7", "I5"]
    assert (grade5.subscales["I5"].score, grade5.subscales["I5"].band.key) == (3, "moderate")
    assert list(grade6.subscales) == ["E7", "I6"]
    assert (grade6.subscales["I6"].score, grade6.subscales["I6"].band.key) == (6, "high")
    # Peer rejection counts in E7 at both grades.
    assert grade5.subscales["E7"] == grade6.subscales["E7"]
    assert grade6.subscales["E7"].score == 3
    # The SRSS-IE has no total score.
    assert (grade6.total, grade6.band) == (None, None)


@pytest.mark.parametrize(("grade", "internalizing"), [(0, "I5"), (5, "I5"), (6, "I6"), (12, "I6")])
def test_srss_internalizing_version_at_grade_limits(shipped, grade, internalizing):
    result = score(shipped["srss-ie"], srss_answers(), grade=grade)
    assert set(result.subscales) == {"E7", internalizing}
    assert result.grade == grade


@pytest.mark.parametrize("grade", [None, -1, 13, True, "6", 6.0])
def test_srss_needs_a_valid_grade(shipped, grade):
    with pytest.raises(AnswerError, match="grade"):
        score(shipped["srss-ie"], srss_answers(), grade=grade)


def test_grade_is_optional_where_no_scale_depends_on_it(shipped):
    assert score(shipped["phq-a"], [0] * 9, grade=8).grade == 8
    assert score(shipped["phq-a"], [0] * 9).grade is None
    with pytest.raises(AnswerError, match="grade must be a whole number 0–12"):
        score(shipped["phq-a"], [0] * 9, grade=14)


def test_grade_outside_the_instruments_declared_grades_is_rejected():
    data = instruments.get("psc-17")
    data["population"]["grades"] = {"min": 3, "max": 8}
    definition = instruments.load_definition(data)
    assert score(definition, [0] * 17, grade=8).complete is True
    with pytest.raises(AnswerError, match="psc-17: grade 9 is outside the instrument's grades 3–8"):
        score(definition, [0] * 17, grade=9)


# --------------------------------------------------------------- ASQ


@pytest.mark.parametrize(
    ("answers", "band", "critical_keys"),
    [
        (["no", "no", "no", "no"], "negative", ()),
        (["no", "no", "no", "no", "no"], "negative", ()),
        (["yes", "no", "no", "no", "no"], "non-acute-positive", ("asq-positive",)),
        (["no", "no", "no", "yes", "no"], "non-acute-positive", ("asq-positive",)),
        (["no", "no", "yes", "no", "yes"], "acute-positive", ("asq-positive", "asq-acute")),
        # Refusal to answer any of Q1–4 is a positive screen.
        (["no", "refused", "no", "no", "no"], "non-acute-positive", ("asq-positive",)),
        (["refused"] * 4 + ["yes"], "acute-positive", ("asq-positive", "asq-acute")),
        # Positive without the acuity question: still positive, acuity not determined.
        (["no", "no", "no", "yes"], "positive-acuity-unknown", ("asq-positive",)),
        (["yes", "no", "no", "no", "refused"], "positive-acuity-unknown", ("asq-positive",)),
        # Project safety choice: "yes, right now" is acute even after four No answers.
        (["no", "no", "no", "no", "yes"], "acute-positive", ("asq-acute",)),
    ],
)
def test_asq_bands(shipped, answers, band, critical_keys):
    result = score(shipped["asq"], answers)
    assert result.band.key == band
    assert result.total is None
    assert result.critical_keys == critical_keys
    assert result.critical is bool(critical_keys)
    assert result.complete is True


def test_asq_reasons_name_each_positive_item_and_answer(shipped):
    result = score(shipped["asq"], ["yes", "no", "refused", "no", "yes"])
    assert len(result.critical_reasons) == 3
    first, second, third = result.critical_reasons
    assert first.startswith("Positive suicide-risk screen: item 1 ")
    assert "wished you were dead" in first and first.endswith("answered “Yes”")
    assert "item 3 " in second and second.endswith("answered “Prefer not to answer”")
    assert third.startswith("Current thoughts of suicide: item 5 ")


def test_asq_blank_question_leaves_no_band_but_keeps_the_critical_flag(shipped):
    result = score(shipped["asq"], {"q1": None, "q2": "yes", "q3": "no", "q4": "no"})
    assert result.band is None
    assert result.complete is False
    assert result.missing == ("q1",)
    assert result.critical is True
    assert "item 2 " in result.critical_reasons[0]


def test_asq_blank_question_with_all_other_answers_no_is_incomplete_not_negative(shipped):
    result = score(shipped["asq"], ["no", None, "no", "no"])
    assert (result.band, result.complete, result.critical) == (None, False, False)


def test_asq_ask_if_changes_no_score(shipped):
    # Question 5's ask_if (version 1.1) only says when it is asked: every answer pattern
    # scores exactly as it did without it (1.0), apart from the version.
    without = instruments.get("asq")
    del without["items"][4]["ask_if"]
    without = instruments.load_definition(without)
    choices = [["yes", "no", "refused", None]] * 5
    for pattern in itertools.product(*choices):
        with_ask_if = score(shipped["asq"], list(pattern)).to_dict(full=True)
        assert with_ask_if == score(without, list(pattern)).to_dict(full=True)


@pytest.fixture
def asq_q5_required(shipped):
    """The ASQ with question 5 required when asked: shows "not asked" is never "missing"."""
    data = instruments.get("asq")
    data["items"][4]["required"] = True
    return instruments.load_definition(data)


def test_required_item_not_asked_is_not_missing(asq_q5_required):
    result = score(asq_q5_required, ["no"] * 4)
    assert (result.band.key, result.complete, result.missing) == ("negative", True, ())


def test_required_item_asked_and_left_blank_is_missing(asq_q5_required):
    result = score(asq_q5_required, ["no", "yes", "no", "no"])
    assert (result.band, result.complete, result.missing) == (None, False, ("q5",))
    assert result.critical_keys == ("asq-positive",)  # still flagged (rule 4)


def test_an_answer_to_a_question_not_asked_still_counts(asq_q5_required):
    # Never drop "yes, right now": the project's ASQ safety choice holds for required items too.
    result = score(asq_q5_required, ["no"] * 4 + ["yes"])
    assert (result.band.key, result.critical_keys) == ("acute-positive", ("asq-acute",))


# --------------------------------------------------------------- PHQ critical items


def test_phqa_item9_of_1_alone_is_critical_with_minimal_total(shipped):
    result = score(shipped["phq-a"], [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert (result.total, result.band.key) == (1, "minimal")
    assert result.critical is True
    assert result.critical_keys == ("self-harm-thoughts",)
    (reason,) = result.critical_reasons
    assert reason.startswith("Thoughts of death or self-harm: item 9 “Thoughts that you would be")
    assert reason.endswith("answered “Several days” (1)")


@pytest.mark.parametrize("item9", [1, 2, 3])
@pytest.mark.parametrize("code", ["phq-9", "phq-a"])
def test_any_positive_item9_is_critical(shipped, code, item9):
    result = score(shipped[code], [0] * 8 + [item9])
    assert result.critical_keys == ("self-harm-thoughts",)


@pytest.mark.parametrize("code", ["phq-9", "phq-a"])
def test_item9_not_at_all_is_not_critical(shipped, code):
    result = score(shipped[code], [3] * 8 + [0])
    assert (result.total, result.band.key, result.critical) == (24, "severe", False)


@pytest.mark.parametrize(
    ("question", "key", "text"),
    [
        (
            "suicidal-thoughts-past-month",
            "suicidal-thoughts-past-month",
            "serious thoughts about ending",
        ),
        ("suicide-attempt-lifetime", "suicide-attempt-lifetime", "tried to kill yourself"),
    ],
)
def test_phqa_each_suicide_question_alone_is_critical(shipped, question, key, text):
    result = score(shipped["phq-a"], {**{f"q{n}": 0 for n in range(1, 10)}, question: "yes"})
    assert (result.total, result.band.key) == (0, "minimal")
    assert result.critical_keys == (key,)
    (reason,) = result.critical_reasons
    assert text in reason and reason.endswith("answered “Yes”")


def test_phqa_suicide_questions_answered_no_are_not_critical(shipped):
    answers = [0] * 9 + ["no", 0, "no", "no"]
    assert score(shipped["phq-a"], answers).critical is False


def test_phqa_all_three_critical_answers_give_three_reasons(shipped):
    result = score(shipped["phq-a"], [0] * 8 + [2, None, None, "yes", "yes"])
    assert result.critical_keys == (
        "self-harm-thoughts",
        "suicidal-thoughts-past-month",
        "suicide-attempt-lifetime",
    )
    assert len(result.critical_reasons) == 3


def test_phqa_dysthymia_yes_is_a_flag_not_critical(shipped):
    result = score(shipped["phq-a"], [0] * 9 + ["yes"])
    assert [flag.key for flag in result.flags] == ["dysthymia"]
    assert result.critical is False


@pytest.mark.parametrize("code", ["phq-9", "phq-a"])
def test_self_harm_answer_is_not_lost_when_another_item_is_skipped(shipped, code):
    result = score(shipped[code], [0, 0, None, 0, 0, 0, 0, 0, 1])
    assert (result.total, result.band, result.complete) == (None, None, False)
    assert result.missing == ("q3",)
    assert result.critical is True
    assert result.critical_keys == ("self-harm-thoughts",)


def test_self_harm_answer_alone_in_a_mapping_is_critical(shipped):
    result = score(shipped["phq-a"], {"q9": 2})
    assert result.complete is False
    assert result.missing == tuple(PHQ_ITEMS[:8])
    assert result.critical_reasons[0].endswith("answered “More than half the days” (2)")


def test_critical_reasons_in_spanish_come_from_the_fixture(shipped):
    result = score(shipped["phq-a"], [0] * 8 + [1])
    (reason,) = critical_reasons(shipped["phq-a"], result.answers, result.critical_keys, "es")
    assert reason == (
        "Pensamientos de muerte o de hacerse daño: ítem 9 “¿Pensamientos de que estarías mejor "
        "muerto(a), o de hacerte daño de alguna manera?”, respuesta “Varios días” (1)"
    )
    english = critical_reasons(shipped["phq-a"], result.answers, result.critical_keys, "en")
    assert english == list(result.critical_reasons)


def test_asq_reasons_in_spanish_without_a_numeric_value(shipped):
    result = score(shipped["asq"], ["no", "refused", "no", "no"])
    (reason,) = critical_reasons(shipped["asq"], result.answers, result.critical_keys, "es")
    assert reason.startswith("Resultado positivo en el cribado de riesgo suicida: ítem 2 “En las")
    assert reason.endswith("”, respuesta “Prefiero no responder”")


def test_stored_reasons_stay_english_whatever_language_is_active(shipped):
    with translation.override("es"):
        result = score(shipped["phq-a"], [0] * 8 + [1])
    assert result.critical_reasons[0].startswith("Thoughts of death or self-harm: item 9 “")
    assert result.critical_reasons[0].endswith("answered “Several days” (1)")


def test_who5_low_item_flag(shipped):
    assert [f.key for f in score(shipped["who-5"], [5, 5, 5, 5, 1]).flags] == ["low-item"]
    assert score(shipped["who-5"], [2, 2, 2, 2, 2]).flags == ()


# --------------------------------------------------------------- missing-answer rules


@pytest.mark.parametrize(
    ("code", "answers"),
    [
        ("phq-9", [0, 1, None, 1, 0, 0, 0, 0, 0]),
        ("phq-a", [None] * 9),
        ("gad-7", [0, 0, 0, 0, 0, 0, None]),
        ("who-5", [5, None, 5, 5, 5]),
    ],
)
def test_no_prorating_rule_means_incomplete_never_zero(shipped, code, answers):
    result = score(shipped[code], answers)
    assert (result.total, result.band, result.complete) == (None, None, False)
    assert result.missing
    assert result.prorated is False
    assert all(value is None for value in result.scaled.values())


@pytest.mark.parametrize("blanks", [1, 3])
def test_psc17_up_to_three_blanks_count_zero(shipped, blanks):
    answers = [None] * blanks + [1] * (17 - blanks)
    result = score(shipped["psc-17"], answers)
    assert result.complete is True
    assert result.total == 17 - blanks
    assert result.missing == tuple(f"q{n}" for n in range(1, blanks + 1))
    # q1 (attention) is blank in both cases: attention = 4 answered items
    assert result.subscales["attention"].score == 5 - sum(1 for n in (1, 3) if n <= blanks)


def test_psc17_four_blanks_make_the_form_invalid(shipped):
    result = score(shipped["psc-17"], [None] * 4 + [2] * 13)
    assert (result.total, result.band, result.complete) == (None, None, False)
    assert all(sub.score is None and sub.band is None for sub in result.subscales.values())
    assert len(result.missing) == 4


def test_srss_blank_internalizing_item_leaves_e7_scored(shipped):
    answers = srss_answers(steal=2, lonely=None)
    result = score(shipped["srss-ie"], answers, grade=3)
    assert result.subscales["E7"].score == 2
    assert (result.subscales["I5"].score, result.subscales["I5"].band) == (None, None)
    assert result.complete is False


def test_srss_blank_peer_rejection_leaves_both_secondary_scales_unscored(shipped):
    result = score(shipped["srss-ie"], srss_answers(peer_rejection=None), grade=8)
    assert result.subscales["E7"].score is None
    assert result.subscales["I6"].score is None
    assert result.missing == ("peer-rejection",)


@pytest.fixture
def prorating_gad7(shipped):
    """GAD-7 with a prorating rule, to exercise the engine's third missing-answer rule."""
    data = instruments.get("gad-7")
    data["scoring"]["missing"] = {"rule": "prorate", "max_missing": 1, "note": "test only"}
    return instruments.load_definition(data)


@pytest.mark.parametrize(
    ("answers", "total", "prorated"),
    [
        ([1, 1, 1, 1, 1, 1, 1], 7, False),
        ([1, 1, 1, 1, 1, 1, None], 7, True),  # 6 × 7/6 = 7
        ([1, 1, 1, 0, 0, 0, None], 4, True),  # 3 × 7/6 = 3.5 → 4 (half up)
        ([1, 1, 0, 0, 0, 0, None], 2, True),  # 2 × 7/6 = 2.33 → 2
    ],
)
def test_prorate_rule(prorating_gad7, answers, total, prorated):
    result = score(prorating_gad7, answers)
    assert (result.total, result.prorated, result.complete) == (total, prorated, True)


def test_prorate_rule_gives_up_beyond_max_missing(prorating_gad7):
    result = score(prorating_gad7, [1, 1, 1, 1, 1, None, None])
    assert (result.total, result.band, result.complete) == (None, None, False)


@pytest.mark.parametrize(
    ("code", "answers"),
    [
        ("phq-9", [0] * 9),  # difficulty item left off
        ("phq-9", [0] * 9 + [2]),
        ("phq-a", [0] * 9),
        ("phq-a", [0] * 9 + ["no"]),
        ("asq", ["no"] * 4),
        ("asq", ["no"] * 5),
    ],
)
def test_trailing_optional_items_may_be_left_off(shipped, code, answers):
    assert score(shipped[code], answers).complete is True


# --------------------------------------------------------------- rejected input


@pytest.mark.parametrize(
    ("code", "answers", "message"),
    [
        ("phq-9", [0] * 8, "phq-9: expected 9 to 10 answers in form order, got 8"),
        ("phq-9", [0] * 11, "phq-9: expected 9 to 10 answers in form order, got 11"),
        ("gad-7", [0] * 6, "gad-7: expected 7 answers in form order, got 6"),
        ("gad-7", [], "gad-7: expected 7 answers in form order, got 0"),
        ("asq", ["no"] * 3, "asq: expected 4 to 5 answers in form order, got 3"),
        ("srss-ie", [0] * 13, "srss-ie: expected 12 answers in form order, got 13"),
    ],
)
def test_wrong_answer_count_is_rejected(shipped, code, answers, message):
    with pytest.raises(AnswerError) as excinfo:
        score(shipped[code], answers, grade=4)
    assert str(excinfo.value) == message


@pytest.mark.parametrize(
    ("code", "position", "value", "allowed"),
    [
        ("phq-9", 3, 4, "0, 1, 2, 3"),
        ("phq-9", 3, -1, "0, 1, 2, 3"),
        ("phq-9", 3, "1", "0, 1, 2, 3"),  # strings are parsed by the caller, not guessed here
        ("phq-9", 3, 1.0, "0, 1, 2, 3"),
        ("phq-9", 3, True, "0, 1, 2, 3"),
        ("gad-7", 7, "yes", "0, 1, 2, 3"),
        ("who-5", 1, 6, "5, 4, 3, 2, 1, 0"),
        ("psc-17", 17, 3, "0, 1, 2"),
        ("asq", 2, "maybe", "yes, no, refused"),
        ("asq", 2, "Yes", "yes, no, refused"),
    ],
)
def test_out_of_range_or_non_option_answer_is_rejected(shipped, code, position, value, allowed):
    definition = shipped[code]
    answers = [
        item_options[0]["value"]
        for item_options in instruments.options_by_item(definition).values()
    ]
    answers[position - 1] = value
    item_id = definition["items"][position - 1]["id"]
    with pytest.raises(AnswerError) as excinfo:
        score(definition, answers, grade=4)
    assert str(excinfo.value) == (
        f"{code}: answer {position} ({item_id}) is {value!r}; allowed: {allowed} (or blank)"
    )


def test_unknown_item_id_is_rejected(shipped):
    with pytest.raises(AnswerError, match=r"phq-9: unknown item id 'q10' \(items: q1, q2"):
        score(shipped["phq-9"], {"q1": 0, "q10": 1})


@pytest.mark.parametrize("answers", ["000000000", 0, None])
def test_answers_must_be_a_list_or_mapping(shipped, answers):
    with pytest.raises(AnswerError, match="answers must be a list"):
        score(shipped["phq-9"], answers)


def test_answer_error_is_a_value_error():
    assert issubclass(AnswerError, ValueError)


# --------------------------------------------------------------- result object


def test_accepts_an_object_holding_the_definition(shipped):
    stored = SimpleNamespace(code="gad-7", version="1.0", definition=shipped["gad-7"])
    assert score(stored, [0, 0, 1, 1, 0, 1, 0]).total == 3


def test_conditional_items_may_be_left_off_the_end_of_a_sequence(asq_q5_required):
    assert score(asq_q5_required, ["no"] * 4).complete is True


def test_result_is_frozen_and_keeps_the_version(shipped):
    result = score(shipped["gad-7"], [0] * 7)
    assert (result.instrument, result.version) == ("gad-7", "1.0")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.total = 5


def test_to_dict_has_exactly_the_public_shape(shipped):
    result = score(shipped["psc-17"], [1] * 17)
    assert result.to_dict() == {
        "instrument": "psc-17",
        "version": "1.0",
        "total": 17,
        "band": {"key": "positive", "label": "At or above cut-off (15+)"},
        "subscales": {
            "internalizing": {
                "score": 5,
                "band": {"key": "positive", "label": "At or above cut-off (5+)"},
            },
            "attention": {"score": 5, "band": {"key": "negative", "label": "Below cut-off (0–6)"}},
            "externalizing": {
                "score": 7,
                "band": {"key": "positive", "label": "At or above cut-off (7+)"},
            },
        },
        "critical": False,
        "critical_reasons": [],
        "complete": True,
    }


def test_full_dict_adds_the_extra_fields(shipped):
    data = score(shipped["phq-a"], [0] * 9 + ["yes"]).to_dict(full=True)
    assert set(data) - set(score(shipped["phq-a"], [0] * 9).to_dict()) == {
        "critical_keys",
        "scaled",
        "prorated",
        "missing",
        "flags",
        "grade",
        "answers",
    }
    assert data["answers"]["dysthymia"] == "yes"
    assert data["answers"]["suicide-attempt-lifetime"] is None
    assert data["flags"][0]["key"] == "dysthymia"
