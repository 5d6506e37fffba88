"""The rule language of instrument definitions: critical items, flags, rule-based bands and
conditional items (``ask_if``) are all written in it, and evaluated only here.

A *condition*:
    {"item": "q9", "op": ">=", "value": 1}        ops: == != < <= > >= (ordering: numeric only)
    {"item": "q1", "op": "in", "value": ["yes", "refused"]}
    {"item": "q5", "op": "missing"} / {"item": "q5", "op": "answered"}
    {"any_of": [cond, ...]}, {"all_of": [cond, ...]}, {"not": cond}
A comparison on an unanswered item is false, so a skipped item never fires a rule by itself.

Conditional items: an item with ``ask_if`` is put to the respondent only when its condition
holds on the answers to earlier items (e.g. the ASQ acuity question after a positive screen).
An item not asked is never "missing"; an answer given to it anyway is still scored.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Mapping
from typing import Any

ORDERING = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_EQUALITY = {"==": operator.eq, "!=": operator.ne}


def iter_atoms(condition: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Yield every item comparison inside a condition."""
    if "item" in condition:
        yield condition
    elif "not" in condition:
        yield from iter_atoms(condition["not"])
    else:
        for child in condition.get("any_of") or condition.get("all_of"):
            yield from iter_atoms(child)


def evaluate(condition: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    """Evaluate a condition against answers (item id -> value, None or absent = unanswered)."""
    if "any_of" in condition:
        return any(evaluate(child, answers) for child in condition["any_of"])
    if "all_of" in condition:
        return all(evaluate(child, answers) for child in condition["all_of"])
    if "not" in condition:
        return not evaluate(condition["not"], answers)
    op = condition["op"]
    answer = answers.get(condition["item"])
    if op == "missing":
        return answer is None
    if op == "answered":
        return answer is not None
    if answer is None:
        return False
    if op == "in":
        return answer in condition["value"]
    if op in _EQUALITY:
        return _EQUALITY[op](answer, condition["value"])
    return ORDERING[op](answer, condition["value"])


def evidence(condition: Mapping[str, Any], answers: Mapping[str, Any]) -> list[str]:
    """Item ids whose answers made a (true) condition true, in rule order, without repeats."""
    found: list[str] = []
    if "item" in condition:
        if condition["op"] not in ("missing",) and evaluate(condition, answers):
            found.append(condition["item"])
    elif "any_of" in condition:
        for child in condition["any_of"]:
            if evaluate(child, answers):
                found.extend(evidence(child, answers))
    elif "all_of" in condition:
        for child in condition["all_of"]:
            found.extend(evidence(child, answers))
    return list(dict.fromkeys(found))


def is_asked(item: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    """Whether an item is put to the respondent, given the answers to the earlier items."""
    return "ask_if" not in item or evaluate(item["ask_if"], answers)
