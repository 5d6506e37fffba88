"""Bounded parsing of untrusted input: JSON bodies and fields, integer query parameters.

Rule 9: hostile input gets a clear 4xx and changes nothing, never a 500. Python's json
module recurses once per nesting level, so 1,100 bytes of `[` were a RecursionError (a 500)
wherever a body or a field was parsed; and an integer query parameter too large for the
database column was an OverflowError on SQLite (a 500) and a DataError on PostgreSQL.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.fields import InvalidJSONInput
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# A JSON string, escapes included: removed before counting brackets, so `"[["` is no depth.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# Every id column is a 64-bit signed integer (BigAutoField) on both databases.
MAX_ID = 2**63 - 1


class InputRejected(ValueError):
    """Input refused with a message fit for the person who sent it."""


def json_limits() -> tuple[int, int]:
    return settings.JSON_MAX_BYTES, settings.JSON_MAX_DEPTH


def json_depth(text: str) -> int:
    """Deepest nesting of arrays and objects, found without recursion."""
    depth = deepest = 0
    for bracket in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def parse_json(
    raw: bytes | str, *, max_bytes: int | None = None, max_depth: int | None = None
) -> Any:
    """`json.loads` within a size and a nesting limit (settings JSON_MAX_BYTES/_DEPTH)."""
    default_bytes, default_depth = json_limits()
    max_bytes = default_bytes if max_bytes is None else max_bytes
    max_depth = default_depth if max_depth is None else max_depth
    if len(raw) > max_bytes:
        raise InputRejected(
            _("The data is too large (at most %(max)s bytes).") % {"max": f"{max_bytes:,}"}
        )
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise InputRejected(_("The data is not valid UTF-8 text.")) from None
    if json_depth(text) > max_depth:
        raise InputRejected(
            _("The data is nested too deeply (at most %(max)d levels).") % {"max": max_depth}
        )
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise InputRejected(_("The data is not valid JSON.")) from None


class BoundedJSONParser(JSONParser):
    """DRF's default JSON parser, within the same limits; a refusal is a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        max_bytes, _depth = json_limits()
        raw = stream.read(max_bytes + 1) if stream is not None else b""
        try:
            return parse_json(raw)
        except InputRejected as exc:
            raise ParseError(str(exc)) from None


class BoundedJSONField(forms.JSONField):
    """A form's JSON field within the same limits (the model form field's own parse has
    none): a clear form error instead of a 500."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            try:
                parse_json(value)
            except InputRejected as exc:
                raise ValidationError(str(exc), code="invalid") from None
        return super().to_python(value)

    def bound_data(self, data, initial):
        # Re-displaying the refused value parses it again: within the limits, or not at all.
        if isinstance(data, str) and not self.disabled:
            try:
                parse_json(data)
            except InputRejected:
                return InvalidJSONInput(data)
        return super().bound_data(data, initial)


def int_param(
    query: QueryDict, name: str, *, minimum: int = 0, maximum: int = MAX_ID
) -> int | None:
    """An optional integer query parameter: None when absent or empty, else an int within
    [minimum, maximum]; anything else raises InputRejected naming the parameter."""
    value = query.get(name, "").strip()
    if not value:
        return None
    try:
        number = int(value) if len(value) <= 20 else None
    except ValueError:
        number = None
    if number is None or not minimum <= number <= maximum:
        raise InputRejected(
            _("“%(name)s” must be a whole number from %(min)s to %(max)s.")
            % {"name": name, "min": minimum, "max": maximum}
        )
    return number
