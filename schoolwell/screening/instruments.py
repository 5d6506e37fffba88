"""Screening instruments as data: load, validate and look up the fixture definitions.

Each instrument is one JSON file in ``fixtures/instruments/`` (the source of truth), checked
against ``schema.json`` and then by the semantic checks below, which the schema cannot express.
Conditions (critical items, flags, rule-based bands, conditional items) are written in the rule
language of ``rules.py`` and validated here with the same code that later evaluates them.
"""

from __future__ import annotations

import copy
import functools
import itertools
import json
import operator
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match

from schoolwell.screening.rules import ORDERING, evaluate, is_asked, iter_atoms

DEFAULT_DIRECTORY = Path(__file__).resolve().parents[2] / "fixtures" / "instruments"
SCHEMA_FILE = "schema.json"

# Rule bands are checked for exhaustiveness by trying every answer pattern of the items they
# mention; beyond this many patterns the check is skipped (scoring still fails loudly).
_MAX_PATTERNS = 200_000


class InstrumentDefinitionError(ValueError):
    """An instrument file or definition breaks the schema or a semantic rule."""


class UnknownInstrumentError(LookupError):
    """No shipped instrument has this code."""

    def __str__(self) -> str:  # LookupError would quote the message like a KeyError
        return str(self.args[0]) if self.args else ""


# --------------------------------------------------------------------------- derived facts


def localized(value: Any, language: str) -> str:
    """A text given per language ({"en": …, "es": …}) in `language`, else in English."""
    if isinstance(value, dict):
        return value.get(language) or value.get("en") or next(iter(value.values()), "")
    return value or ""


def options_by_item(definition: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Item id -> its list of response options (value + label), in display order."""
    sets = definition["option_sets"]
    return {item["id"]: sets[item["options"]] for item in definition["items"]}


def scales(definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The total scale (if any) followed by the subscales."""
    scoring = definition["scoring"]
    total = [scoring["total"]] if "total" in scoring else []
    return total + list(scoring.get("subscales", []))


def scale_range(definition: Mapping[str, Any], scale: Mapping[str, Any]) -> tuple[int, int]:
    """Lowest and highest possible raw score of a summed scale."""
    options = options_by_item(definition)
    values = [[o["value"] for o in options[item_id]] for item_id in scale["items"]]
    return sum(min(v) for v in values), sum(max(v) for v in values)


def needs_grade(definition: Mapping[str, Any]) -> bool:
    """True when some scale is scored only for certain grades (grade-dependent versions)."""
    return any("grades" in scale for scale in scales(definition))


# --------------------------------------------------------------------------- loading


@functools.cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads((DEFAULT_DIRECTORY / SCHEMA_FILE).read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".") or "(top level)"


def load_definition(data: Mapping[str, Any], *, source: str | None = None) -> dict[str, Any]:
    """Validate an instrument definition and return a private copy of it.

    Raises InstrumentDefinitionError naming the file (``source``) and the offending field.
    """
    where = source or (data.get("code") if isinstance(data, Mapping) else None) or "instrument"
    errors = list(_validator().iter_errors(data))
    if errors:
        error = best_match(errors)
        more = f" (and {len(errors) - 1} more schema errors)" if len(errors) > 1 else ""
        raise InstrumentDefinitionError(
            f"{where}: {_path(error.absolute_path)}: {error.message}{more}"
        )
    definition = copy.deepcopy(dict(data))
    _Checker(definition, where).check()
    return definition


def load_file(path: str | Path) -> dict[str, Any]:
    """Load and validate one instrument file; its code must match its file name."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InstrumentDefinitionError(f"{path.name}: cannot read instrument file: {exc}") from exc
    definition = load_definition(data, source=path.name)
    if definition["code"] != path.stem:
        raise InstrumentDefinitionError(
            f"{path.name}: code: {definition['code']!r} does not match the file name {path.stem!r}"
        )
    return definition


def load_all(directory: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Load every instrument file in a directory (default: fixtures/instruments), by code."""
    directory = Path(directory) if directory is not None else DEFAULT_DIRECTORY
    definitions: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.json")):
        if path.name == SCHEMA_FILE:
            continue
        definition = load_file(path)
        definitions[definition["code"]] = definition
    return definitions


@functools.cache
def _shipped() -> dict[str, dict[str, Any]]:
    return load_all()


def get(code: str) -> dict[str, Any]:
    """The validated definition of a shipped instrument (a copy; safe to modify)."""
    shipped = _shipped()
    if code not in shipped:
        known = ", ".join(sorted(shipped))
        raise UnknownInstrumentError(f"unknown instrument {code!r} (known: {known})")
    return copy.deepcopy(shipped[code])


# --------------------------------------------------------------------------- semantic checks


class _Checker:
    """Checks the schema cannot express. Each failure names the file and the field."""

    def __init__(self, definition: dict[str, Any], where: str) -> None:
        self.d = definition
        self.where = where
        self.items = {item["id"]: item for item in definition["items"]}
        self.options: dict[str, list[dict[str, Any]]] = {}

    def fail(self, path: str, message: str) -> None:
        raise InstrumentDefinitionError(f"{self.where}: {path}: {message}")

    def check(self) -> None:
        self.check_languages()
        self.check_population()
        self.check_option_sets()
        self.check_items()
        self.check_scales()
        scoring = self.d["scoring"]
        if not (scoring.get("total") or scoring.get("bands") or scoring.get("subscales")):
            self.fail("scoring", "needs a total, rule bands or at least one subscale")
        self.check_missing_rule()
        for kind in ("critical", "flags"):
            self.check_rules(kind, scoring.get(kind, []))
        if "bands" in scoring:
            self.check_rule_bands(scoring["bands"])

    # languages: every localized text must be given in exactly the declared languages
    def check_languages(self) -> None:
        declared = set(self.d["languages"])

        def walk(node: Any, path: str) -> None:
            if isinstance(node, dict):
                for key, child in node.items():
                    child_path = f"{path}.{key}" if path else key
                    if key in ("text", "label", "instructions") and isinstance(child, dict):
                        if set(child) != declared:
                            missing = sorted(declared - set(child))
                            extra = sorted(set(child) - declared)
                            self.fail(
                                child_path,
                                f"languages must be exactly {sorted(declared)}"
                                + (f"; missing {missing}" if missing else "")
                                + (f"; undeclared {extra}" if extra else ""),
                            )
                    else:
                        walk(child, child_path)
            elif isinstance(node, list):
                for index, child in enumerate(node):
                    walk(child, f"{path}[{index}]")

        walk(self.d, "")

    def check_population(self) -> None:
        for field in ("ages", "grades"):
            bounds = self.d["population"].get(field)
            if bounds and "max" in bounds and bounds["min"] > bounds["max"]:
                self.fail(f"population.{field}", "min is greater than max")

    def check_option_sets(self) -> None:
        for name, options in self.d["option_sets"].items():
            values = [option["value"] for option in options]
            if len(set(values)) != len(values):
                self.fail(f"option_sets.{name}", f"option values are not unique: {values}")
            if len({type(value) for value in values}) > 1:
                self.fail(f"option_sets.{name}", "option values mix numbers and words")

    def check_items(self) -> None:
        seen: set[str] = set()
        for index, item in enumerate(self.d["items"]):
            path = f"items[{index}]"
            if item["id"] in seen:
                self.fail(f"{path}.id", f"duplicate item id {item['id']!r}")
            seen.add(item["id"])
            if item["options"] not in self.d["option_sets"]:
                self.fail(f"{path}.options", f"unknown option set {item['options']!r}")
            if "ask_if" in item:
                self.check_ask_if(f"{path}.ask_if", item["ask_if"], earlier=seen - {item["id"]})
            self.options[item["id"]] = self.d["option_sets"][item["options"]]

    def check_ask_if(self, path: str, condition: dict[str, Any], *, earlier: set[str]) -> None:
        # Asked one question at a time, an item can only depend on answers already given.
        for atom in iter_atoms(condition):
            if atom["item"] in self.items and atom["item"] not in earlier:
                self.fail(
                    path,
                    f"item {atom['item']!r} is not earlier in the form "
                    "(ask_if may only depend on earlier answers)",
                )
        self.check_condition(path, condition)

    def check_scales(self) -> None:
        scoring = self.d["scoring"]
        located = ([("scoring.total", scoring["total"])] if "total" in scoring else []) + [
            (f"scoring.subscales[{i}]", scale)
            for i, scale in enumerate(scoring.get("subscales", []))
        ]
        keys: set[str] = set()
        groups: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for path, scale in located:
            scale_keys = [scale["key"]] + (
                [scale["multiplier"]["key"]] if "multiplier" in scale else []
            )
            for key in scale_keys:
                if key in keys:
                    self.fail(f"{path}.key", f"duplicate scale or multiplier key {key!r}")
                keys.add(key)
            for item_id in scale["items"]:
                if item_id not in self.items:
                    self.fail(f"{path}.items", f"unknown item id {item_id!r}")
                if not all(isinstance(o["value"], int) for o in self.options[item_id]):
                    self.fail(f"{path}.items", f"item {item_id!r} has non-numeric options")
                # A blank scored item is the missing-answer rule's business, never "optional".
                if not self.items[item_id]["required"]:
                    self.fail(f"{path}.items", f"scored item {item_id!r} must be required")
                # A summed scale needs every one of its items put to the respondent.
                if "ask_if" in self.items[item_id]:
                    self.fail(f"{path}.items", f"scored item {item_id!r} cannot have ask_if")
            if path == "scoring.total" and ("grades" in scale or "group" in scale):
                self.fail(path, "the total cannot depend on grade; use grade-dependent subscales")
            self.check_scale_grades(path, scale)
            if "group" in scale:
                groups.setdefault(scale["group"], []).append((path, scale))
            self.check_bands(path, scale)
        for group, members in groups.items():
            self.check_group(group, members)

    def check_scale_grades(self, path: str, scale: dict[str, Any]) -> None:
        grades = scale.get("grades")
        if grades is None:
            return
        allowed = self.d["population"].get("grades")
        if allowed is None:
            self.fail(f"{path}.grades", "grade-dependent scales need population.grades")
        if grades["min"] > grades["max"]:
            self.fail(f"{path}.grades", "min is greater than max")
        if grades["min"] < allowed["min"] or grades["max"] > allowed["max"]:
            self.fail(f"{path}.grades", "lies outside population.grades")

    def check_group(self, group: str, members: list[tuple[str, dict[str, Any]]]) -> None:
        # Grade-dependent versions of one measure: exactly one applies at each grade.
        allowed = self.d["population"].get("grades")
        covered: dict[int, str] = {}
        for path, scale in members:
            if "grades" not in scale:
                self.fail(f"{path}.grades", f"scales in group {group!r} need a grade range")
            for grade in range(scale["grades"]["min"], scale["grades"]["max"] + 1):
                if grade in covered:
                    self.fail(
                        f"{path}.grades",
                        f"grade {grade} is already covered by {covered[grade]!r} "
                        f"in group {group!r}",
                    )
                covered[grade] = scale["key"]
        gaps = [g for g in range(allowed["min"], allowed["max"] + 1) if g not in covered]
        if gaps:
            self.fail(f"scoring (group {group!r})", f"no scale version for grades {gaps}")

    def check_bands(self, path: str, scale: dict[str, Any]) -> None:
        low, high = scale_range(self.d, scale)
        bands = scale["bands"]
        keys = [band["key"] for band in bands]
        if len(set(keys)) != len(keys):
            self.fail(f"{path}.bands", f"duplicate band keys: {keys}")
        for index, band in enumerate(bands):
            if band["min"] > band["max"]:
                self.fail(f"{path}.bands[{index}]", "min is greater than max")
        ordered = sorted(bands, key=lambda band: band["min"])
        expected = low
        for band in ordered:
            if band["min"] > expected:
                self.fail(f"{path}.bands", f"no band covers {expected}–{band['min'] - 1}")
            if band["min"] < expected:
                self.fail(f"{path}.bands", f"band {band['key']!r} overlaps at {band['min']}")
            expected = band["max"] + 1
        if ordered[0]["min"] != low or expected - 1 != high:
            self.fail(
                f"{path}.bands",
                f"bands cover {ordered[0]['min']}–{expected - 1} but the scale runs {low}–{high}",
            )

    def check_missing_rule(self) -> None:
        rule = self.d["scoring"]["missing"]
        required = sum(1 for item in self.d["items"] if item["required"])
        if "max_missing" in rule and rule["max_missing"] >= required:
            self.fail("scoring.missing.max_missing", f"must be below the {required} required items")

    def check_condition(self, path: str, condition: dict[str, Any]) -> None:
        for atom in iter_atoms(condition):
            item_id = atom["item"]
            if item_id not in self.items:
                self.fail(path, f"unknown item id {item_id!r}")
            values = [option["value"] for option in self.options[item_id]]
            op = atom["op"]
            if op in ("==", "!=", "in"):
                wanted = atom["value"] if op == "in" else [atom["value"]]
                for value in wanted:
                    if value not in values or isinstance(value, bool):
                        self.fail(path, f"{value!r} is not an option of item {item_id!r}: {values}")
            elif op in ORDERING and not (
                isinstance(atom["value"], int) and all(isinstance(v, int) for v in values)
            ):
                self.fail(path, f"{op!r} needs numbers, and item {item_id!r} has {values}")

    def check_rules(self, kind: str, rules: list[dict[str, Any]]) -> None:
        keys: set[str] = set()
        for index, rule in enumerate(rules):
            path = f"scoring.{kind}[{index}]"
            if rule["key"] in keys:
                self.fail(f"{path}.key", f"duplicate key {rule['key']!r}")
            keys.add(rule["key"])
            self.check_condition(f"{path}.when", rule["when"])

    def check_rule_bands(self, bands: list[dict[str, Any]]) -> None:
        self.check_rules("bands", bands)
        # Rule bands are evaluated only when no required item that was asked is blank; every
        # such answer pattern must reach a band, or a result could silently have none.
        used = {atom["item"] for band in bands for atom in iter_atoms(band["when"])}
        pending = set(used)
        while pending:  # a conditional item's blank depends on the items its ask_if reads
            item = self.items[pending.pop()]
            reads = iter_atoms(item["ask_if"]) if "ask_if" in item else ()
            for atom in reads:
                if atom["item"] not in used:
                    used.add(atom["item"])
                    pending.add(atom["item"])
        mentioned = [item_id for item_id in self.items if item_id in used]
        choices = []
        for item_id in mentioned:
            values: list[Any] = [option["value"] for option in self.options[item_id]]
            item = self.items[item_id]
            blank_allowed = not item["required"] or "ask_if" in item
            choices.append([*values, None] if blank_allowed else values)
        if functools.reduce(operator.mul, map(len, choices), 1) > _MAX_PATTERNS:
            return
        for pattern in itertools.product(*choices):
            answers = dict(zip(mentioned, pattern, strict=True))
            if any(
                self.items[k]["required"] and v is None and is_asked(self.items[k], answers)
                for k, v in answers.items()
            ):
                continue  # a required question asked and left blank: no band by design
            if not any(evaluate(band["when"], answers) for band in bands):
                shown = ", ".join(f"{k}={v!r}" for k, v in answers.items())
                self.fail("scoring.bands", f"no band applies to the answers {shown}")
