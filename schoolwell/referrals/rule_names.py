"""What a rule can watch (from the instrument fixtures) and the name it gets from its
settings, in the reader's language: a generated name can never disagree with the rule."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from schoolwell.referrals import content
from schoolwell.referrals.models import RuleKind, ThresholdRule
from schoolwell.screening import instruments


@dataclass(frozen=True)
class Target:
    """A scale a rule can watch: an instrument's total (subscale "") or one subscale, or
    the instrument's rule bands (no numeric total, e.g. the ASQ)."""

    instrument_code: str
    subscale: str
    label: dict  # per language
    bands: tuple[tuple[str, dict], ...]  # (key, label per language)
    numeric: bool  # a summed scale: a threshold makes sense
    low: int = 0
    high: int = 0

    @property
    def value(self) -> str:
        return f"{self.instrument_code}:{self.subscale}"


def instrument_short(code: str) -> str:
    return code.upper()


@functools.cache
def targets() -> tuple[Target, ...]:
    """Every scale of every shipped instrument, in a stable order."""
    found = []
    for code, definition in sorted(instruments._shipped().items()):
        scoring = definition["scoring"]
        total = scoring.get("total")
        if total:
            low, high = instruments.scale_range(definition, total)
            found.append(
                Target(
                    code,
                    "",
                    {"en": "total", "es": "total"},
                    tuple((b["key"], b["label"]) for b in total["bands"]),
                    True,
                    low,
                    high,
                )
            )
        elif scoring.get("bands"):
            found.append(
                Target(
                    code,
                    "",
                    {"en": "result", "es": "resultado"},
                    tuple((b["key"], b["label"]) for b in scoring["bands"]),
                    False,
                )
            )
        for scale in scoring.get("subscales", []):
            low, high = instruments.scale_range(definition, scale)
            found.append(
                Target(
                    code,
                    scale["key"],
                    scale["label"],
                    tuple((b["key"], b["label"]) for b in scale["bands"]),
                    True,
                    low,
                    high,
                )
            )
    return tuple(found)


def target_for(instrument_code: str, subscale: str) -> Target | None:
    return next(
        (t for t in targets() if (t.instrument_code, t.subscale) == (instrument_code, subscale)),
        None,
    )


@functools.cache
def critical_instruments() -> tuple[str, ...]:
    """Instruments with critical items (a critical-item rule may watch one of them)."""
    return tuple(
        code for code, d in sorted(instruments._shipped().items()) if d["scoring"]["critical"]
    )


def target_label(target: Target, language: str) -> str:
    scale = instruments.localized(target.label, language)
    return f"{instrument_short(target.instrument_code)} {scale}"


def band_label(instrument_code: str, subscale: str, key: str, language: str) -> str:
    target = target_for(instrument_code, subscale)
    labels = dict(target.bands) if target else {}
    return instruments.localized(labels[key], language) if key in labels else key


def _num(value) -> str:
    return f"{Decimal(value).normalize():f}" if value is not None else "?"


def _or_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s or %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def rule_auto_name(rule: ThresholdRule, language: str | None = None) -> str:
    """The rule's name from its settings, in `language` (default: the active one)."""
    language = language or translation.get_language() or "en"
    with translation.override(language):
        short = instrument_short(rule.instrument_code)
        target = target_for(rule.instrument_code, rule.subscale)
        scale = target_label(target, language) if target else f"{short} {rule.subscale}".strip()
        if rule.kind == RuleKind.SCORE_TOTAL:
            return _("%(scale)s %(threshold)s or more") % {
                "scale": scale,
                "threshold": _num(rule.threshold),
            }
        if rule.kind == RuleKind.SUBSCALE:
            return _("%(scale)s %(threshold)s or more") % {
                "scale": scale,
                "threshold": _num(rule.threshold),
            }
        if rule.kind == RuleKind.BAND:
            bands = [
                band_label(rule.instrument_code, rule.subscale, key, language)
                for key in rule.bands or []
            ]
            return _("%(scale)s: %(bands)s") % {"scale": scale, "bands": _or_list(bands)}
        if rule.kind == RuleKind.CRITICAL:
            if rule.instrument_code:
                return _("Critical item answered (%(instrument)s)") % {"instrument": short}
            return _("Critical item answered (any instrument)")
        if rule.kind == RuleKind.CHECKIN_LOW:
            return _(
                "%(count)s check-ins at or below %(threshold)s within %(days)s school days"
            ) % {
                "count": rule.count,
                "threshold": _num(rule.threshold),
                "days": rule.window_school_days,
            }
        if rule.kind == RuleKind.CHECKIN_DROP:
            return _("Wellbeing %(threshold)s or more below the student's 4-week baseline") % {
                "threshold": _num(rule.threshold)
            }
        if rule.kind == RuleKind.VOICE_LOW:
            return _(
                "%(count)s low feelings in students' own check-ins within %(days)s school days"
            ) % {"count": rule.count, "days": rule.window_school_days}
        if rule.kind == RuleKind.VOICE_DROP:
            return _("Own check-ins %(threshold)s or more below the student's 4-week baseline") % {
                "threshold": _num(rule.threshold)
            }
        if rule.kind == RuleKind.VOICE_UNSAFE:
            return _("“Feeling unsafe” chosen %(count)s times within %(days)s school days") % {
                "count": rule.count,
                "days": rule.window_school_days,
            }
        if rule.kind == RuleKind.CONCERN_TAG:
            tags = [content.concern_label(tag, language) for tag in rule.tags or []]
            return _("Concern tag: %(tags)s") % {"tags": _or_list(tags)}
    return rule.code
