"""`manage.py score CODE ANSWER... [--grade N]`: JSON out, exit status 2 on bad input."""

import json
from io import StringIO

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from schoolwell.screening.management.commands.score import MISSING_TOKEN, parse_answers, run
from schoolwell.screening.scoring import AnswerError

SHAPE = {
    "instrument",
    "version",
    "total",
    "band",
    "subscales",
    "critical",
    "critical_reasons",
    "complete",
}


def score_json(*args, **options):
    out = StringIO()
    call_command("score", *args, stdout=out, **options)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    ("args", "total", "band"),
    [
        (["phq-9", "0", "0", "1", "1", "1", "0", "0", "0", "0"], 3, "minimal"),
        (["phq-9", *["3"] * 9, "3"], 27, "severe"),
        (["phq-a", *["1"] * 9], 9, "mild"),
        (["gad-7", "0", "0", "1", "1", "0", "1", "0"], 3, "minimal"),
        (["who-5", "3", "3", "2", "2", "2"], 12, "poor-wellbeing"),
        (["psc-17", *["1"] * 15, "0", "0"], 15, "positive"),
        (["asq", "no", "no", "no", "no"], None, "negative"),
        (["srss-ie", *["0"] * 12, "--grade", "4"], None, None),
    ],
)
def test_every_instrument_prints_the_result_shape(args, total, band):
    data = score_json(*args)
    assert set(data) == SHAPE
    assert data["instrument"] == args[0]
    assert data["total"] == total
    assert (data["band"] or {}).get("key") == band
    assert data["complete"] is True


def test_srss_grade_picks_the_internalizing_version():
    answers = ["0", "0", "0", "3", "0", "0", "0", "0", "1", "1", "1", "0"]
    assert set(score_json("srss-ie", *answers, grade=5)["subscales"]) == {"E7", "I5"}
    grade6 = score_json("srss-ie", *answers, "--grade=6")["subscales"]
    assert grade6["I6"] == {"score": 6, "band": {"key": "high", "label": "High risk"}}


def test_missing_token_marks_a_skipped_item():
    data = score_json("phq-a", *["0"] * 9, MISSING_TOKEN, MISSING_TOKEN, "yes")
    assert data["complete"] is True
    assert data["critical"] is True
    assert "serious thoughts about ending your life" in data["critical_reasons"][0]

    data = score_json("phq-9", "0", "na", *["0"] * 6, "2")
    assert (data["total"], data["band"], data["complete"], data["critical"]) == (
        None,
        None,
        False,
        True,
    )


@pytest.mark.parametrize(
    ("answers", "band"),
    [
        (["no", "no", "no", "no"], "negative"),
        (["yes", "no", "no", "no", "no"], "non-acute-positive"),
        (["YES", "no", "no", "no", "yes"], "acute-positive"),
        (["no", "refused", "no", "no", "no"], "non-acute-positive"),
        (["no", "no", "no", "yes"], "positive-acuity-unknown"),
    ],
)
def test_asq_tokens(answers, band):
    data = score_json("asq", *answers)
    assert data["band"]["key"] == band
    assert data["critical"] is (band != "negative")


def test_full_adds_the_who5_percentage():
    data = score_json("who-5", "3", "3", "2", "2", "2", "--full")
    assert data["scaled"] == {"percentage": 48}
    assert set(data) > SHAPE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["phq-9", *["0"] * 8], "phq-9: expected 9 to 10 answers in form order, got 8"),
        (["gad-7", *["0"] * 8], "gad-7: expected 7 answers in form order, got 8"),
        (["gad-7"], "gad-7: expected 7 answers in form order, got 0"),
        (
            ["phq-9", "0", "0", "4", *["0"] * 6],
            "phq-9: answer 3 (q3) is '4'; allowed: 0, 1, 2, 3 (or na for unanswered)",
        ),
        (
            ["asq", "no", "maybe", "no", "no"],
            "asq: answer 2 (q2) is 'maybe'; allowed: yes, no, refused (or na for unanswered)",
        ),
        (["who-5", "1.0", "1", "1", "1", "1"], "who-5: answer 1 (q1) is '1.0'"),
        (
            ["sdq", "1"],
            "unknown instrument 'sdq' (known: asq, gad-7, phq-9, phq-a, psc-17, srss-ie, who-5)",
        ),
        (["srss-ie", *["0"] * 12], "srss-ie: the student's grade is needed"),
        (
            ["srss-ie", *["0"] * 12, "--grade", "13"],
            "srss-ie: grade must be a whole number 0–12 (0 = kindergarten), got 13",
        ),
        (
            ["srss-ie", *["0"] * 12, "--grade", "K"],
            "--grade must be a whole number 0–12 (0 = kindergarten), got 'K'",
        ),
    ],
)
def test_bad_input_raises_command_error_with_status_2(args, message):
    with pytest.raises(CommandError) as excinfo:
        call_command("score", *args, stdout=StringIO())
    assert excinfo.value.returncode == 2
    assert message in str(excinfo.value)
    assert "\n" not in str(excinfo.value)


def test_command_line_exits_2_with_one_line_on_stderr(capsys):
    with pytest.raises(SystemExit) as excinfo:
        ManagementUtility(["manage.py", "score", "phq-9", "9"]).execute()
    assert excinfo.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        captured.err
        == "CommandError: phq-9: answer 1 (q1) is '9'; allowed: 0, 1, 2, 3 (or na for unanswered)\n"
    )


def test_command_line_prints_json(capsys):
    ManagementUtility(["manage.py", "score", "gad-7", "0", "0", "1", "1", "0", "1", "0"]).execute()
    assert json.loads(capsys.readouterr().out)["total"] == 3


# --------------------------------------------------------------- the plain functions


def test_run_returns_json_text():
    assert json.loads(run("asq", ["no"] * 4))["band"]["key"] == "negative"


def test_parse_answers_matches_option_values(shipped):
    assert parse_answers(shipped["phq-a"], ["0", "3", "NA", "2"]) == [0, 3, None, 2]
    assert parse_answers(shipped["asq"], ["Refused", "no"]) == ["refused", "no"]


def test_parse_answers_rejects_non_options(shipped):
    with pytest.raises(AnswerError, match=r"answer 10 \(dysthymia\) is '1'; allowed: yes, no"):
        parse_answers(shipped["phq-a"], [*["0"] * 9, "1"])
