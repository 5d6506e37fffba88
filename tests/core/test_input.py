"""Bounded parsing of untrusted JSON and integer parameters (core.input)."""

import json

import pytest
from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from schoolwell.core.input import InputRejected, int_param, json_depth, parse_json

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab,:'),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


# No deadline: two shared CPU cores make timings meaningless here.
@settings(deadline=None)
@given(JSON)
def test_depth_is_counted_outside_strings(value):
    assert json_depth(json.dumps(value)) == _depth(value)


@settings(deadline=None)
@given(JSON)
def test_what_is_within_limits_parses_as_json_does(value):
    assert parse_json(json.dumps(value)) == value


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"[" * 1100, "nested too deeply"),
        ("[" * 33 + "]" * 33, "nested too deeply"),
        (b"{" * 100_000, "nested too deeply"),
        (b" " * (1024 * 1024 + 1), "too large"),
        (b"\xff[]", "not valid UTF-8"),
        ("[1,", "not valid JSON"),
    ],
)
def test_hostile_json_is_refused(raw, message):
    with pytest.raises(InputRejected, match=message):
        parse_json(raw)


def test_limits_come_from_settings(settings):  # noqa: F811 — pytest-django's fixture
    settings.JSON_MAX_DEPTH = 2
    assert parse_json("[[1]]") == [[1]]
    with pytest.raises(InputRejected):
        parse_json("[[[1]]]")


@pytest.mark.parametrize(
    ("value", "expected"), [("", None), ("7", 7), (" 12 ", 12), ("9223372036854775807", 2**63 - 1)]
)
def test_int_param_accepts(value, expected):
    assert int_param(QueryDict(f"n={value}"), "n") == expected
    assert int_param(QueryDict(""), "n") is None


@pytest.mark.parametrize(
    "value", ["99999999999999999999", "9223372036854775808", "-1", "1.5", "x", "1" * 5000]
)
def test_int_param_refuses(value):
    with pytest.raises(InputRejected, match="“n” must be a whole number from 0 to"):
        int_param(QueryDict(f"n={value}"), "n")
