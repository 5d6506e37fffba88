"""Score a screening instrument from its definition: one engine, no per-instrument code.

    result = score(instruments.get("phq-a"), [0, 1, 0, 0, 0, 0, 0, 0, 1])
    result.total, result.band, result.critical, result.critical_reasons, result.to_dict()

Rules kept here (DESIGN rule 1):
- totals, subscales and bands follow the definition exactly;
- blank answers follow the instrument's declared missing-answer rule (incomplete, count as a
  value up to a limit, or prorate) and are never silently scored as zero;
- critical rules are evaluated on whatever was answered, so a self-harm answer is flagged even
  when another item was skipped;
- an item whose ``ask_if`` is false was not asked: never "missing", and an answer given to it
  anyway still counts (a current thought of suicide is never dropped).
Labels in results are English (the stored record); ``critical_reasons(…, language=…)`` gives
the reasons in another of the definition's languages for display.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from math import floor
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from schoolwell.screening.instruments import localized, needs_grade, options_by_item
from schoolwell.screening.rules import evaluate, evidence, is_asked

LANGUAGE = "en"
GRADES = range(0, 13)  # 0 = kindergarten


class AnswerError(ValueError):
    """The answers (or grade) given cannot be scored: wrong count, unknown item, bad value."""


@dataclass(frozen=True)
class Band:
    key: str
    label: str

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "label": self.label}


@dataclass(frozen=True)
class SubscaleScore:
    score: int | None
    band: Band | None
    label: str = ""
    prorated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "band": self.band.to_dict() if self.band else None}


@dataclass(frozen=True)
class ScoreResult:
    instrument: str
    version: str
    total: int | None
    band: Band | None
    subscales: Mapping[str, SubscaleScore]
    critical: bool
    critical_reasons: tuple[str, ...]
    complete: bool
    # Keys of the critical rules that fired, for threshold rules to watch.
    critical_keys: tuple[str, ...] = ()
    # Multiplied scores such as the WHO-5 percentage: {"percentage": 48}.
    scaled: Mapping[str, int | None] = field(default_factory=dict)
    prorated: bool = False
    # Required items left blank (reported even when the missing-answer rule tolerated them).
    missing: tuple[str, ...] = ()
    flags: tuple[Band, ...] = ()
    grade: int | None = None
    # Every item id -> the answer scored (None = blank), in form order.
    answers: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self, *, full: bool = False) -> dict[str, Any]:
        """The result as JSON-ready data; ``full`` adds the fields beyond the public shape."""
        data: dict[str, Any] = {
            "instrument": self.instrument,
            "version": self.version,
            "total": self.total,
            "band": self.band.to_dict() if self.band else None,
            "subscales": {key: sub.to_dict() for key, sub in self.subscales.items()},
            "critical": self.critical,
            "critical_reasons": list(self.critical_reasons),
            "complete": self.complete,
        }
        if full:
            data.update(
                critical_keys=list(self.critical_keys),
                scaled=dict(self.scaled),
                prorated=self.prorated,
                missing=list(self.missing),
                flags=[flag.to_dict() for flag in self.flags],
                grade=self.grade,
                answers=dict(self.answers),
            )
        return data


def score(definition: Any, answers: Any, *, grade: int | None = None) -> ScoreResult:
    """Score answers against a validated instrument definition.

    ``definition`` is the dict from ``instruments.load_definition``/``get``, or any object whose
    ``.definition`` attribute holds it (e.g. a stored Instrument row). ``answers`` is either a
    sequence in form order (trailing optional items may be left off) or a mapping of item id to
    value; None or an absent id means unanswered. Raises AnswerError for input it cannot score.
    """
    definition = getattr(definition, "definition", definition)
    code = definition["code"]
    values = _normalise(definition, answers)
    grade = _check_grade(definition, grade)
    scoring = definition["scoring"]
    missing = tuple(
        item["id"]
        for item in definition["items"]
        if item["required"] and values[item["id"]] is None and is_asked(item, values)
    )

    active = _active_scales(scoring, grade)
    scored = {
        scale["key"]: _score_scale(scale, values, scoring["missing"], len(missing))
        for scale in active
    }
    if "total" in scoring:
        total, total_prorated = scored[scoring["total"]["key"]]
        band = _range_band(scoring["total"], total)
    else:
        total, total_prorated = None, False
        # Rule bands read the answers themselves, so they need every required answer.
        band = (
            _rule_band(code, scoring["bands"], values)
            if "bands" in scoring and not missing
            else None
        )

    critical_keys = [rule["key"] for rule in scoring["critical"] if evaluate(rule["when"], values)]
    subscales = {
        scale["key"]: SubscaleScore(
            score=scored[scale["key"]][0],
            band=_range_band(scale, scored[scale["key"]][0]),
            label=scale["label"][LANGUAGE],
            prorated=scored[scale["key"]][1],
        )
        for scale in active
        if scale is not scoring.get("total")
    }
    scaled = {
        scale["multiplier"]["key"]: _times(scored[scale["key"]][0], scale["multiplier"]["factor"])
        for scale in active
        if "multiplier" in scale
    }
    all_scored = all(value is not None for value, _prorated in scored.values())
    tolerated = scoring["missing"]["rule"] != "incomplete" or not missing
    complete = all_scored and tolerated and ("bands" not in scoring or band is not None)

    return ScoreResult(
        instrument=code,
        version=definition["version"],
        total=total,
        band=band,
        subscales=subscales,
        critical=bool(critical_keys),
        critical_reasons=tuple(critical_reasons(definition, values, critical_keys)),
        complete=complete,
        critical_keys=tuple(critical_keys),
        scaled=scaled,
        prorated=total_prorated or any(sub.prorated for sub in subscales.values()),
        missing=missing,
        flags=tuple(
            Band(rule["key"], rule["label"][LANGUAGE])
            for rule in scoring.get("flags", [])
            if evaluate(rule["when"], values)
        ),
        grade=grade,
        answers=values,
    )


# --------------------------------------------------------------------------- input checks


def _normalise(definition: Mapping[str, Any], answers: Any) -> dict[str, Any]:
    code = definition["code"]
    items = definition["items"]
    ids = [item["id"] for item in items]
    if isinstance(answers, Mapping):
        unknown = [key for key in answers if key not in ids]
        if unknown:
            raise AnswerError(f"{code}: unknown item id {unknown[0]!r} (items: {', '.join(ids)})")
        given = {item_id: answers.get(item_id) for item_id in ids}
    elif isinstance(answers, Sequence) and not isinstance(answers, (str, bytes)):
        # Conditional items may be left off the end like optional ones: they may not be asked.
        required_positions = [
            i for i, item in enumerate(items) if item["required"] and "ask_if" not in item
        ]
        fewest = required_positions[-1] + 1 if required_positions else 0
        if not fewest <= len(answers) <= len(ids):
            expected = str(fewest) if fewest == len(ids) else f"{fewest} to {len(ids)}"
            raise AnswerError(
                f"{code}: expected {expected} answers in form order, got {len(answers)}"
            )
        given = {item_id: None for item_id in ids}
        given.update(zip(ids, answers, strict=False))
    else:
        raise AnswerError(
            f"{code}: answers must be a list in form order or a mapping of item id to answer"
        )

    options = options_by_item(definition)
    for position, item_id in enumerate(ids, start=1):
        value = given[item_id]
        allowed = [option["value"] for option in options[item_id]]
        # Exact type match: True (a bool is an int) or 1.0 must not pass for 1, nor "1" for 1.
        if value is not None and not any(type(value) is type(a) and value == a for a in allowed):
            raise AnswerError(
                f"{code}: answer {position} ({item_id}) is {value!r}; "
                f"allowed: {', '.join(map(str, allowed))} (or blank)"
            )
    return given


def _check_grade(definition: Mapping[str, Any], grade: Any) -> int | None:
    code = definition["code"]
    allowed = definition["population"].get("grades")
    if grade is None:
        if needs_grade(definition):
            raise AnswerError(
                f"{code}: the student's grade is needed to choose the grade-dependent scales "
                f"(grades {allowed['min']}–{allowed['max']}, 0 = kindergarten)"
            )
        return None
    if isinstance(grade, bool) or not isinstance(grade, int) or grade not in GRADES:
        raise AnswerError(
            f"{code}: grade must be a whole number 0–12 (0 = kindergarten), got {grade!r}"
        )
    if allowed and not allowed["min"] <= grade <= allowed["max"]:
        raise AnswerError(
            f"{code}: grade {grade} is outside the instrument's grades "
            f"{allowed['min']}–{allowed['max']}"
        )
    return grade


# --------------------------------------------------------------------------- scoring


def _active_scales(scoring: Mapping[str, Any], grade: int | None) -> list[dict[str, Any]]:
    scales = ([scoring["total"]] if "total" in scoring else []) + list(scoring.get("subscales", []))
    return [
        scale
        for scale in scales
        if "grades" not in scale or scale["grades"]["min"] <= grade <= scale["grades"]["max"]
    ]


def _score_scale(
    scale: Mapping[str, Any], values: Mapping[str, Any], rule: Mapping[str, Any], form_missing: int
) -> tuple[int | None, bool]:
    """(score, prorated) for one summed scale under the instrument's missing-answer rule."""
    answered = [values[item_id] for item_id in scale["items"] if values[item_id] is not None]
    blank = len(scale["items"]) - len(answered)
    if not blank:
        return sum(answered), False
    if rule["rule"] == "count_as":
        # The limit is per form (e.g. PSC: 4+ blanks invalidate the whole form).
        if form_missing > rule["max_missing"]:
            return None, False
        return sum(answered) + blank * rule["value"], False
    if rule["rule"] == "prorate" and blank <= rule["max_missing"]:
        mean_total = Fraction(sum(answered) * len(scale["items"]), len(answered))
        return floor(mean_total + Fraction(1, 2)), True  # round half up
    return None, False


def _times(value: int | None, factor: int) -> int | None:
    return None if value is None else value * factor


def _range_band(scale: Mapping[str, Any], value: int | None) -> Band | None:
    if value is None:
        return None
    for band in scale["bands"]:
        if band["min"] <= value <= band["max"]:
            return Band(band["key"], band["label"][LANGUAGE])
    raise AssertionError(f"validated bands of {scale['key']!r} do not cover {value}")


def _rule_band(code: str, bands: list[dict[str, Any]], values: Mapping[str, Any]) -> Band:
    for band in bands:
        if evaluate(band["when"], values):
            return Band(band["key"], band["label"][LANGUAGE])
    raise AssertionError(f"{code}: validated rule bands do not cover these answers")


def critical_reasons(
    definition: Mapping[str, Any],
    answers: Mapping[str, Any],
    keys: Sequence[str],
    language: str = LANGUAGE,
) -> list[str]:
    """One reason per item answer behind each critical rule in ``keys`` (the rules that fired),
    in ``language``: rule label, item text and answer label from the definition, the few
    joining words from the screening catalogue. ``answers`` maps item id to value."""
    items = {item["id"]: item for item in definition["items"]}
    options = options_by_item(definition)
    reasons: list[str] = []
    with translation.override(language):
        for rule in definition["scoring"]["critical"]:
            if rule["key"] not in keys:
                continue
            label = localized(rule["label"], language)
            cited = evidence(rule["when"], answers)
            for item_id in cited:
                answer = _describe(items[item_id], options[item_id], answers[item_id], language)
                reasons.append(_("%(rule)s: %(answer)s") % {"rule": label, "answer": answer})
            if not cited:
                reasons.append(label)
    return reasons


def _describe(
    item: Mapping[str, Any], options: list[dict[str, Any]], value: Any, language: str
) -> str:
    option = next(option for option in options if option["value"] == value)
    parts = {
        "number": item.get("number", ""),
        "text": localized(item["text"], language),
        "answer": localized(option["label"], language),
        "value": value,
    }
    if "number" in item and isinstance(value, int):
        return _("item %(number)s “%(text)s” answered “%(answer)s” (%(value)s)") % parts
    if "number" in item:
        return _("item %(number)s “%(text)s” answered “%(answer)s”") % parts
    if isinstance(value, int):
        return _("“%(text)s” answered “%(answer)s” (%(value)s)") % parts
    return _("“%(text)s” answered “%(answer)s”") % parts
