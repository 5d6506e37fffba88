"""Instrument fixtures: every shipped file loads; broken definitions are rejected clearly."""

import copy
import json
import re

import jsonschema
import pytest

from schoolwell.screening import instruments, rules
from schoolwell.screening.instruments import InstrumentDefinitionError, UnknownInstrumentError

SHIPPED = {"phq-9", "phq-a", "gad-7", "who-5", "srss-ie", "psc-17", "asq"}
# 1.1: on-screen instructions (phq-a, who-5) and question 5's ask_if (asq); scoring unchanged.
# phq-a 1.2: population ages and grades (enforced for screening windows); scoring unchanged.
VERSIONS = {"asq": "1.1", "phq-a": "1.2", "who-5": "1.1"}


def test_every_shipped_file_loads(shipped):
    assert set(shipped) == SHIPPED
    for code, definition in shipped.items():
        assert definition["code"] == code
        assert definition["version"] == VERSIONS.get(code, "1.0")


SELF_REPORT = sorted(c for c in SHIPPED if c not in {"srss-ie", "psc-17"})
PAPER_WORDS = re.compile(r"\b(box|boxes|row|rows|paper|casillas?|filas?|papel|X)\b")


@pytest.mark.parametrize("code", SELF_REPORT)
def test_self_report_instructions_read_right_on_a_screen(shipped, code):
    # Questions are shown one at a time on a screen: no boxes, rows or paper to mark.
    assert shipped[code]["respondent"] == "student"
    for text in shipped[code]["instructions"].values():
        assert not PAPER_WORDS.search(text), text


def test_phqa_instructions_keep_the_published_stem_and_note_the_adaptation(shipped):
    definition = shipped["phq-a"]
    assert definition["instructions"]["en"] == (
        "How often have you been bothered by each of the following symptoms during the past "
        "two weeks? For each symptom, choose the answer that best describes how you have been "
        "feeling."
    )
    assert definition["instructions"]["es"].endswith(
        "Para cada síntoma, elige la respuesta que mejor describa cómo te has sentido."
    )
    assert any(note.startswith("Screen adaptation") for note in definition["notes"])


def test_no_unlicensed_instrument_is_shipped():
    names = {path.stem for path in instruments.DEFAULT_DIRECTORY.glob("*.json")}
    assert names == SHIPPED | {"schema"}
    assert not names & {"sdq", "c-ssrs", "cssrs", "saebrs"}


def test_schema_is_valid_draft_2020_12():
    schema = json.loads((instruments.DEFAULT_DIRECTORY / "schema.json").read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("code", sorted(SHIPPED))
def test_each_file_carries_licence_sources_and_languages(shipped, code):
    definition = shipped[code]
    assert definition["licence"] and definition["sources"] and definition["not_diagnostic"]
    assert definition["languages"]["en"]["status"] == "source"
    spanish = definition["languages"]["es"]
    assert spanish["status"] == "project-translation"
    assert "not a validated translation" in spanish["note"]
    for item in definition["items"]:
        assert set(item["text"]) == {"en", "es"}


@pytest.mark.parametrize(
    ("code", "respondent"),
    [
        ("phq-9", "student"),
        ("phq-a", "student"),
        ("gad-7", "student"),
        ("who-5", "student"),
        ("asq", "student"),
        ("srss-ie", "teacher"),
        ("psc-17", "teacher"),
    ],
)
def test_respondent(shipped, code, respondent):
    assert shipped[code]["respondent"] == respondent


def test_psc17_notes_that_it_is_parent_report_used_by_teachers(shipped):
    assert "parent-report" in shipped["psc-17"]["respondent_note"]


def test_get_returns_an_independent_copy():
    first = instruments.get("phq-9")
    first["items"].clear()
    assert len(instruments.get("phq-9")["items"]) == 10


def test_get_unknown_code():
    with pytest.raises(UnknownInstrumentError) as excinfo:
        instruments.get("sdq")
    assert str(excinfo.value) == (
        "unknown instrument 'sdq' (known: asq, gad-7, phq-9, phq-a, psc-17, srss-ie, who-5)"
    )


# --------------------------------------------------------------- broken files on disk


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def test_schema_rejects_a_broken_file(tmp_path):
    data = instruments.get("phq-9")
    data["respondent"] = "parent"
    path = write(tmp_path, "phq-9.json", data)
    with pytest.raises(InstrumentDefinitionError) as excinfo:
        instruments.load_file(path)
    assert str(excinfo.value).startswith("phq-9.json: respondent: 'parent' is not one of")


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (lambda d: d.pop("items"), "(top level): 'items' is a required property"),
        (lambda d: d.pop("licence"), "(top level): 'licence' is a required property"),
        (lambda d: d["items"][2].update(required="yes"), "items[2].required: 'yes' is not of type"),
        (
            lambda d: d["option_sets"]["frequency"][0].update(value=0.5),
            "option_sets.frequency[0].value",
        ),
        (
            lambda d: d["scoring"]["total"].update(method="mean"),
            "scoring.total.method: 'sum' was expected",
        ),
        (
            lambda d: d["scoring"]["total"]["bands"][0].pop("max"),
            "scoring.total.bands[0]: 'max' is a required",
        ),
        (lambda d: d.update(version="one"), "version: 'one' does not match"),
        (lambda d: d.update(colour="blue"), "Additional properties are not allowed ('colour'"),
    ],
)
def test_schema_errors_name_the_file_and_field(tmp_path, break_it, message):
    data = instruments.get("phq-9")
    break_it(data)
    with pytest.raises(InstrumentDefinitionError) as excinfo:
        instruments.load_file(write(tmp_path, "phq-9.json", data))
    assert str(excinfo.value).startswith("phq-9.json: ")
    assert message in str(excinfo.value)


def test_unreadable_json_is_rejected(tmp_path):
    with pytest.raises(
        InstrumentDefinitionError, match=r"^phq-9.json: cannot read instrument file"
    ):
        instruments.load_file(write(tmp_path, "phq-9.json", "{not json"))


def test_code_must_match_file_name(tmp_path):
    path = write(tmp_path, "phq9.json", instruments.get("phq-9"))
    with pytest.raises(InstrumentDefinitionError, match="does not match the file name 'phq9'"):
        instruments.load_file(path)


def test_load_all_reads_a_directory_and_skips_the_schema(tmp_path):
    write(tmp_path, "gad-7.json", instruments.get("gad-7"))
    write(tmp_path, "schema.json", {"not": "an instrument"})
    assert list(instruments.load_all(tmp_path)) == ["gad-7"]


def test_load_all_stops_at_a_broken_file(tmp_path):
    write(tmp_path, "gad-7.json", instruments.get("gad-7"))
    broken = instruments.get("who-5")
    broken["scoring"]["total"]["bands"][1]["min"] = 14
    write(tmp_path, "who-5.json", broken)
    with pytest.raises(
        InstrumentDefinitionError, match=r"^who-5.json: scoring.total.bands: no band covers 13–13"
    ):
        instruments.load_all(tmp_path)


# --------------------------------------------------------------- semantic checks


def _set(path, value):
    def apply(d):
        *parents, last = path
        target = d
        for key in parents:
            target = target[key]
        target[last] = value

    return apply


SEMANTIC_CASES = [
    # (instrument, change, message fragment)
    (
        "phq-9",
        _set(["scoring", "total", "items", 0], "q99"),
        "scoring.total.items: unknown item id 'q99'",
    ),
    (
        "phq-9",
        _set(["scoring", "total", "bands", 1, "max"], 8),
        "scoring.total.bands: no band covers 9–9",
    ),
    ("phq-9", _set(["scoring", "total", "bands", 1, "max"], 10), "band 'moderate' overlaps at 10"),
    (
        "phq-9",
        _set(["scoring", "total", "bands", 4, "max"], 26),
        "bands cover 0–26 but the scale runs 0–27",
    ),
    (
        "phq-9",
        _set(["scoring", "total", "bands", 0, "min"], 1),
        "scoring.total.bands: no band covers 0–0",
    ),
    ("phq-9", _set(["scoring", "total", "bands", 1, "key"], "minimal"), "duplicate band keys"),
    (
        "phq-9",
        _set(["option_sets", "frequency", 1, "value"], 0),
        "option_sets.frequency: option values are not unique",
    ),
    (
        "phq-9",
        _set(["option_sets", "frequency", 1, "value"], "some"),
        "option values mix numbers and words",
    ),
    ("phq-9", _set(["items", 1, "id"], "q1"), "items[1].id: duplicate item id 'q1'"),
    ("phq-9", _set(["items", 1, "options"], "freq"), "items[1].options: unknown option set 'freq'"),
    ("phq-9", _set(["items", 8, "required"], False), "scored item 'q9' must be required"),
    (
        "phq-9",
        _set(["scoring", "critical", 0, "when", "item"], "q10"),
        "scoring.critical[0].when: unknown item id 'q10'",
    ),
    (
        "phq-9",
        _set(["items", 0, "text"], {"en": "Little interest"}),
        "items[0].text: languages must be exactly ['en', 'es']; missing ['es']",
    ),
    (
        "phq-9",
        _set(["instructions", "fr"], "Au cours des"),
        "instructions: languages must be exactly ['en', 'es']; undeclared ['fr']",
    ),
    (
        "phq-9",
        lambda d: d["scoring"].pop("total"),
        "scoring: needs a total, rule bands or at least one subscale",
    ),
    (
        "phq-a",
        _set(["scoring", "critical", 1, "when", "value"], "Yes"),
        "'Yes' is not an option of item 'suicidal-thoughts-past-month'",
    ),
    (
        "phq-a",
        _set(["scoring", "critical", 1, "when", "op"], ">="),
        "'>=' needs numbers, and item 'suicidal-thoughts-past-month'",
    ),
    (
        "who-5",
        _set(["scoring", "total", "multiplier", "key"], "total"),
        "duplicate scale or multiplier key 'total'",
    ),
    (
        "psc-17",
        _set(["scoring", "missing", "max_missing"], 17),
        "scoring.missing.max_missing: must be below the 17 required items",
    ),
    (
        "psc-17",
        _set(["scoring", "subscales", 0, "key"], "total"),
        "scoring.subscales[0].key: duplicate scale or multiplier key 'total'",
    ),
    (
        "srss-ie",
        _set(["scoring", "subscales", 2, "grades", "min"], 5),
        "grade 5 is already covered by 'I5' in group 'internalizing'",
    ),
    (
        "srss-ie",
        _set(["scoring", "subscales", 2, "grades", "min"], 7),
        "no scale version for grades [6]",
    ),
    (
        "srss-ie",
        lambda d: d["scoring"]["subscales"][2].pop("grades"),
        "scales in group 'internalizing' need a grade range",
    ),
    (
        "who-5",
        _set(["scoring", "total", "grades"], {"min": 0, "max": 5}),
        "scoring.total: the total cannot depend on grade",
    ),
    (
        "srss-ie",
        lambda d: d["population"].pop("grades"),
        "grade-dependent scales need population.grades",
    ),
    (
        "srss-ie",
        _set(["scoring", "subscales", 1, "grades", "max"], 13),
        "scoring.subscales[1].grades.max: 13 is greater than the maximum of 12",
    ),
    (
        "asq",
        lambda d: d["scoring"]["bands"].pop(),
        "scoring.bands: no band applies to the answers q1='no', q2='no', q3='no', q4='no', q5='no'",
    ),
    (
        "asq",
        _set(["scoring", "bands", 3, "when", "all_of", 0, "value"], "nope"),
        "'nope' is not an option of item 'q1'",
    ),
    (
        "asq",
        lambda d: d["scoring"].update(
            total=copy.deepcopy(instruments.get("phq-9")["scoring"]["total"])
        ),
        "scoring: ",
    ),
    # ask_if: only earlier items, real options, never on a summed scale's item
    (
        "asq",
        _set(["items", 4, "ask_if"], {"item": "q9", "op": "==", "value": "yes"}),
        "items[4].ask_if: unknown item id 'q9'",
    ),
    (
        "asq",
        _set(["items", 1, "ask_if"], {"item": "q3", "op": "==", "value": "yes"}),
        "items[1].ask_if: item 'q3' is not earlier in the form",
    ),
    (
        "asq",
        _set(["items", 4, "ask_if"], {"not": {"item": "q5", "op": "==", "value": "no"}}),
        "items[4].ask_if: item 'q5' is not earlier in the form",
    ),
    (
        "asq",
        _set(["items", 4, "ask_if", "any_of", 0, "value"], ["yes", "maybe"]),
        "items[4].ask_if: 'maybe' is not an option of item 'q1'",
    ),
    (
        "phq-9",
        _set(["items", 1, "ask_if"], {"item": "q1", "op": ">=", "value": 1}),
        "scoring.total.items: scored item 'q2' cannot have ask_if",
    ),
]


@pytest.mark.parametrize(("code", "change", "message"), SEMANTIC_CASES)
def test_semantic_checks_reject_broken_definitions(code, change, message):
    data = instruments.get(code)
    change(data)
    with pytest.raises(InstrumentDefinitionError) as excinfo:
        instruments.load_definition(data, source=f"{code}.json")
    assert str(excinfo.value).startswith(f"{code}.json: ")
    assert message in str(excinfo.value)


def test_schema_rejects_a_malformed_ask_if(tmp_path):
    data = instruments.get("asq")
    data["items"][4]["ask_if"] = {"item": "q1", "op": "~", "value": "yes"}
    with pytest.raises(InstrumentDefinitionError, match=r"^asq.json: items\[4\].ask_if: "):
        instruments.load_file(write(tmp_path, "asq.json", data))


def test_asq_question_5_is_asked_only_after_a_yes_or_a_refusal(shipped):
    q5 = shipped["asq"]["items"][4]
    assert not rules.is_asked(q5, {"q1": "no", "q2": "no", "q3": "no", "q4": "no"})
    assert rules.is_asked(q5, {"q1": "no", "q2": "no", "q3": "yes", "q4": "no"})
    assert rules.is_asked(q5, {"q1": "refused", "q2": "no", "q3": "no", "q4": "no"})
    assert all(rules.is_asked(item, {}) for item in shipped["asq"]["items"][:4])


def test_a_required_conditional_item_loads_when_bands_cover_every_asked_pattern():
    # Rule-band coverage skips patterns where a required question that was asked is blank,
    # and counts "not asked" as a pattern of its own.
    data = instruments.get("asq")
    data["items"][4]["required"] = True
    assert instruments.load_definition(data)["items"][4]["required"] is True


def test_load_definition_returns_a_private_copy():
    data = instruments.get("gad-7")
    definition = instruments.load_definition(data)
    data["items"].clear()
    assert len(definition["items"]) == 7


# --------------------------------------------------------------- the rule language


@pytest.mark.parametrize(
    ("condition", "answers", "expected"),
    [
        ({"item": "q9", "op": ">=", "value": 1}, {"q9": 1}, True),
        ({"item": "q9", "op": ">=", "value": 1}, {"q9": 0}, False),
        ({"item": "q9", "op": ">=", "value": 1}, {"q9": None}, False),  # blank never fires
        ({"item": "q9", "op": "!=", "value": 0}, {}, False),
        ({"item": "q5", "op": "missing"}, {"q5": None}, True),
        ({"item": "q5", "op": "answered"}, {"q5": "no"}, True),
        ({"item": "q1", "op": "in", "value": ["yes", "refused"]}, {"q1": "refused"}, True),
        (
            {
                "any_of": [
                    {"item": "a", "op": "==", "value": 1},
                    {"item": "b", "op": "==", "value": 1},
                ]
            },
            {"b": 1},
            True,
        ),
        (
            {
                "all_of": [
                    {"item": "a", "op": "==", "value": 1},
                    {"item": "b", "op": "==", "value": 1},
                ]
            },
            {"b": 1},
            False,
        ),
        ({"not": {"item": "a", "op": "<", "value": 2}}, {"a": 3}, True),
    ],
)
def test_evaluate(condition, answers, expected):
    assert rules.evaluate(condition, answers) is expected


def test_evidence_cites_only_the_items_that_made_any_of_true():
    condition = {"any_of": [{"item": f"q{n}", "op": "==", "value": "yes"} for n in range(1, 5)]}
    assert rules.evidence(condition, {"q1": "no", "q2": "yes", "q3": None, "q4": "yes"}) == [
        "q2",
        "q4",
    ]
