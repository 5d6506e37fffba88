"""Referral content kept as data in fixtures/referrals/: outcomes, providers, default rules.

Each file is validated when read, so a bad edit fails loudly at load, not in a view.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from schoolwell.referrals.models import DueUnit, Priority, RuleKind
from schoolwell.screening import instruments

DIRECTORY = Path(__file__).resolve().parents[2] / "fixtures" / "referrals"


class ContentError(ValueError):
    """A referral fixture file is malformed."""


def _items(name: str) -> list[dict]:
    data = json.loads((DIRECTORY / name).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ContentError(f"{name}: expected {{'version', 'items': [...]}}")
    codes = [item.get("code") for item in data["items"]]
    if not all(isinstance(c, str) and c for c in codes) or len(set(codes)) != len(codes):
        raise ContentError(f"{name}: every item needs a unique, non-empty 'code'")
    return data["items"]


def localized(texts: dict, language: str | None = None) -> str:
    """The text in the active language, falling back to English."""
    language = (language or get_language() or "en")[:2]
    return texts.get(language) or texts.get("en", "")


@functools.cache
def outcomes() -> dict[str, dict]:
    """Closing outcomes by code, each with a label per language."""
    items = _items("outcomes.json")
    for item in items:
        if not isinstance(item.get("label"), dict) or "en" not in item["label"]:
            raise ContentError(f"outcomes.json: {item['code']} needs label.en")
    return {item["code"]: item for item in items}


def outcome_choices() -> list[tuple[str, str]]:
    return [(code, localized(item["label"])) for code, item in outcomes().items()]


def outcome_label(code: str) -> str:
    item = outcomes().get(code)
    return localized(item["label"]) if item else code


@functools.cache
def providers() -> list[dict]:
    items = _items("providers.json")
    for item in items:
        if not item.get("name"):
            raise ContentError(f"providers.json: {item['code']} needs a name")
    return items


def _check_instrument_refs(item: dict) -> None:
    """A rule must name a shipped instrument, and subscales and bands it really has."""
    code = item.get("instrument_code")
    if not code:
        return
    try:
        definition = instruments.get(code)
    except instruments.UnknownInstrumentError as exc:
        raise ContentError(f"default_rules.json: {item['code']}: {exc}") from exc
    scoring = definition["scoring"]
    all_scales = {s["key"]: s for s in instruments.scales(definition)}
    subscale = item.get("subscale")
    if subscale and subscale not in all_scales:
        raise ContentError(f"default_rules.json: {item['code']}: no subscale {subscale!r}")
    bands = (
        all_scales[subscale]["bands"]
        if subscale
        else [
            *scoring.get("bands", []),
            *scoring.get("total", {}).get("bands", []),
        ]
    )
    unknown = set(item.get("bands", [])) - {b["key"] for b in bands}
    if unknown:
        raise ContentError(f"default_rules.json: {item['code']}: unknown bands {sorted(unknown)}")


@functools.cache
def default_rules() -> list[dict]:
    """The default threshold rules as ThresholdRule field values, validated."""
    rules = []
    for item in _items("default_rules.json"):
        try:
            kind = RuleKind(item["kind"])
            priority = Priority[item["priority"].upper()]
            unit = DueUnit(item["due_unit"])
            due_within = int(item["due_within"])
        except (KeyError, ValueError) as exc:
            raise ContentError(f"default_rules.json: {item.get('code')}: {exc}") from exc
        _check_instrument_refs(item)
        if kind == RuleKind.CRITICAL and priority != Priority.URGENT:
            # Rule 4: a critical answer is always urgent.
            raise ContentError(f"default_rules.json: {item['code']}: critical must be urgent")
        rules.append(
            {
                "code": item["code"],
                "name": item["name"],
                "kind": kind,
                "instrument_code": item.get("instrument_code", ""),
                "subscale": item.get("subscale", ""),
                "threshold": item.get("threshold"),
                "bands": item.get("bands", []),
                "tags": item.get("tags", []),
                "count": item.get("count"),
                "window_school_days": item.get("window_school_days"),
                "priority": priority,
                "due_within": due_within,
                "due_unit": unit,
            }
        )
    return rules


@functools.cache
def concern_tags() -> dict[str, dict]:
    """The check-in concern tags (screening's fixture), offered for a teacher's concern."""
    path = DIRECTORY.parent / "screening" / "concern_tags.json"
    items = json.loads(path.read_text(encoding="utf-8"))["items"]
    return {item["code"]: item for item in items}


def concern_label(code: str, language: str | None = None) -> str:
    if code == "other":
        with translation.override(language or get_language()):
            return _("Something else (described in the note)")
    item = concern_tags().get(code)
    return localized(item["label"], language) if item else code
