"""Reasons and events in the reader's language, from the codes and parameters they are
stored as. The one place that turns a referral's data into words: the queue, the referral
page, the timeline, the home page, exports and notifications all call it.

Instrument names, items, answers, scales and bands come from the instrument definitions
(fixtures/instruments/), concern tags from their labels, the joining words from this app's
catalogue. A reason stored before codes existed has no code: its English text is shown.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from schoolwell.referrals import content
from schoolwell.referrals.models import (
    Priority,
    ReasonCode,
    ReferralEvent,
    ReferralReason,
    Status,
)
from schoolwell.screening import instruments
from schoolwell.screening.rules import evaluate, evidence

# Teacher concerns that put a student on the suicide-risk pathway, like a critical answer.
CRITICAL_CONCERNS = frozenset({"self_harm_concern"})


def _language() -> str:
    return (get_language() or "en")[:2]


@functools.cache
def _definition(code: str) -> dict | None:
    # The shipped definitions never change in a process, and this module only reads them:
    # `instruments.get` deep-copies a whole definition, which cost a queue page a
    # millisecond or more per screening reason.
    try:
        return instruments.get(code)
    except instruments.UnknownInstrumentError:
        return None


def instrument_short_name(code: str) -> str:
    """ "PHQ-A" for "PHQ-9 Modified for Adolescents (PHQ-A)"; the code in capitals else."""
    definition = _definition(code)
    if definition:
        found = re.search(r"\(([^()]+)\)\s*$", definition["name"])
        if found:
            return found.group(1)
    return code.upper()


def _scale(definition: dict | None, key: str) -> dict | None:
    if not definition:
        return None
    return next((s for s in instruments.scales(definition) if s["key"] == key), None)


def _band_label(definition: dict | None, subscale: str, band: str) -> str:
    if definition:
        scoring = definition["scoring"]
        if subscale:
            bands = (_scale(definition, subscale) or {}).get("bands", [])
        else:
            bands = [*scoring.get("bands", []), *scoring.get("total", {}).get("bands", [])]
        for item in bands:
            if item["key"] == band:
                return instruments.localized(item["label"], _language())
    return band


def _scale_label(definition: dict | None, subscale: str, code: str) -> str:
    scale = _scale(definition, subscale)
    if scale:
        return instruments.localized(scale["label"], _language())
    return f"{instrument_short_name(code)} {subscale}"


def band_words(code: str, subscale: str, band: str) -> str:
    """A band key of an instrument (or of one of its subscales) in the reader's language."""
    return _band_label(_definition(code), subscale, band)


def scale_words(code: str, subscale: str) -> str:
    """A subscale's name in the reader's language ("SRSS-E7 externalizante")."""
    return _scale_label(_definition(code), subscale, code)


def _number(value: Any, places: int | None = None) -> str:
    """A number as the reader writes it ("4.0" → "4,0" in Spanish)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if places is None:
        number = number.normalize()
        places = max(0, -number.as_tuple().exponent)
    return number_format(number, places)


def critical_params(result) -> dict:
    """What a critical screening answer is stored as: the instrument, and for each critical
    rule that fired the answers that made it fire ([rule key, item id, value])."""
    code = result.instrument.code
    definition = _definition(code)
    answers = result.answers or {}
    items = []
    for rule in (definition or {}).get("scoring", {}).get("critical", []):
        if evaluate(rule["when"], answers):
            cited = [[rule["key"], item, answers[item]] for item in evidence(rule["when"], answers)]
            items += cited or [[rule["key"], "", None]]
    return {"instrument": code, "items": items}


def _answer_label(definition: dict, item_id: str, value: Any) -> str:
    options = instruments.options_by_item(definition).get(item_id, [])
    option = next((o for o in options if o["value"] == value), None)
    return instruments.localized(option["label"], _language()) if option else str(value)


def _critical_text(params: Mapping) -> str:
    code = params.get("instrument", "")
    name = instrument_short_name(code)
    definition = _definition(code)
    if not definition:
        return _("%(instrument)s: critical answer") % {"instrument": name}
    items = {item["id"]: item for item in definition["items"]}
    rules = {rule["key"]: rule for rule in definition["scoring"]["critical"]}
    parts = []
    for rule_key, item_id, value in params.get("items", []):
        item = items.get(item_id)
        rule = rules.get(rule_key)
        label = instruments.localized(rule["label"], _language()) if rule else ""
        if item is None:
            parts.append(_("%(instrument)s: %(rule)s") % {"instrument": name, "rule": label})
        elif item.get("number"):
            parts.append(
                _("%(instrument)s item %(number)s: %(answer)s")
                % {
                    "instrument": name,
                    "number": item["number"],
                    "answer": _answer_label(definition, item_id, value),
                }
            )
        else:
            # Unnumbered questions (the PHQ-A's suicide questions) read better by their rule.
            parts.append(
                _("%(instrument)s: %(question)s: %(answer)s")
                % {
                    "instrument": name,
                    "question": label or instruments.localized(item["text"], _language()),
                    "answer": _answer_label(definition, item_id, value),
                }
            )
    return "; ".join(parts) or _("%(instrument)s: critical answer") % {"instrument": name}


def reason_words(code: str, params: Mapping, *, raised_by=None) -> str:
    """A reason's code and parameters in the active language."""
    if code == ReasonCode.CRITICAL:
        return _critical_text(params)
    if code == ReasonCode.SCORE_TOTAL:
        return _("%(instrument)s total %(total)s (threshold %(threshold)s)") % {
            "instrument": instrument_short_name(params["instrument"]),
            "total": params["total"],
            "threshold": _number(params["threshold"]),
        }
    if code == ReasonCode.SUBSCALE:
        definition = _definition(params["instrument"])
        return _("%(scale)s %(score)s (threshold %(threshold)s)") % {
            "scale": _scale_label(definition, params["subscale"], params["instrument"]),
            "score": _number(params["score"]),
            "threshold": _number(params["threshold"]),
        }
    if code == ReasonCode.BAND:
        definition = _definition(params["instrument"])
        subscale = params.get("subscale", "")
        where = (
            _scale_label(definition, subscale, params["instrument"])
            if subscale
            else instrument_short_name(params["instrument"])
        )
        return _("%(scale)s: %(band)s") % {
            "scale": where,
            "band": _band_label(definition, subscale, params["band"]),
        }
    if code == ReasonCode.CHECKIN_LOW:
        n = int(params["count"])
        return ngettext(
            "%(n)s low check-in (%(threshold)s or less) in %(days)s school days",
            "%(n)s low check-ins (%(threshold)s or less) in %(days)s school days",
            n,
        ) % {"n": n, "threshold": _number(params["threshold"]), "days": params["days"]}
    if code == ReasonCode.CHECKIN_DROP:
        return _("Wellbeing %(value)s against a 4-week baseline of %(baseline)s") % {
            "value": params["wellbeing"],
            "baseline": _number(params["baseline"], 1),
        }
    if code == ReasonCode.CONCERN_TAG:
        return _("Check-in concern: %(concern)s") % {
            "concern": content.concern_label(params["tag"], _language())
        }
    if code == ReasonCode.STUDENT_VOICE:
        if params.get("why") == "unsafe":
            return _("The student's own check-in: chose “feeling unsafe”")
        return _("The student's own check-in: a message that may mean they are not safe")
    if code == ReasonCode.VOICE_LOW:
        n = int(params["count"])
        return ngettext(
            "%(n)s low feeling in the student's own check-ins in %(days)s school days",
            "%(n)s low feelings in the student's own check-ins in %(days)s school days",
            n,
        ) % {"n": n, "days": params["days"]}
    if code == ReasonCode.VOICE_DROP:
        return _("Own check-in %(score)s of 5 against a 4-week baseline of %(baseline)s") % {
            "score": params["score"],
            "baseline": _number(params["baseline"], 1),
        }
    if code == ReasonCode.VOICE_UNSAFE:
        n = int(params["count"])
        return ngettext(
            "“Feeling unsafe” chosen %(n)s time in %(days)s school days",
            "“Feeling unsafe” chosen %(n)s times in %(days)s school days",
            n,
        ) % {"n": n, "days": params["days"]}
    if code == ReasonCode.CONCERN:
        name = (raised_by.get_full_name() or raised_by.username) if raised_by else _("a teacher")
        return _("Concern raised by %(name)s: %(concern)s") % {
            "name": name,
            "concern": content.concern_label(params["concern"], _language()),
        }
    return ""


def reason_text(reason: ReferralReason) -> str:
    """One reason in the reader's language; the stored English text for an uncoded one."""
    if reason.code:
        words = reason_words(reason.code, reason.params or {}, raised_by=reason.raised_by)
        if words:
            return words
    return reason.summary


def reason_summary_en(code: str, params: Mapping, *, raised_by=None) -> str:
    """The English text kept beside the code (admin, logs, and the fallback)."""
    with translation.override("en"):
        return reason_words(code, params, raised_by=raised_by)[:255]


def is_critical(reason: ReferralReason) -> bool:
    """A reason that puts the student on the suicide-risk pathway."""
    if reason.code == ReasonCode.CRITICAL:
        return True
    if reason.code == ReasonCode.CONCERN:
        return (reason.params or {}).get("concern") in CRITICAL_CONCERNS
    if reason.code == ReasonCode.CONCERN_TAG:
        return (reason.params or {}).get("tag") in CRITICAL_CONCERNS
    return bool(reason.rule_id and reason.rule and reason.rule.kind == "critical")


def _rank(reason: ReferralReason) -> tuple:
    # The most serious first: priority, then a critical answer or self-harm concern, then a
    # teacher's concern (a person saw something), then the newest.
    weight = 0 if is_critical(reason) else 1 if reason.code == ReasonCode.CONCERN else 2
    return (reason.priority, weight, -reason.created_at.timestamp(), -reason.pk)


def leading_reason(reasons: Iterable[ReferralReason]) -> ReferralReason | None:
    return min(reasons, key=_rank, default=None)


def _status(value) -> str:
    return Status(value).label if value in Status.values else str(value)


def _event_reasons(event: ReferralEvent) -> str:
    """The reasons an event added: by id (since codes), or by their stored English text."""
    known = list(event.referral.reasons.all())
    by_id = {r.pk: r for r in known}
    by_summary = {r.summary: r for r in known}
    texts = []
    for ref in event.data.get("reason_ids", []):
        if ref in by_id:
            texts.append(reason_text(by_id[ref]))
    for summary in event.data.get("reasons", []):
        texts.append(reason_text(by_summary[summary]) if summary in by_summary else summary)
    return "; ".join(texts)


def event_text(event: ReferralEvent) -> str:
    """One line saying what happened, in the reader's language, from the event's codes."""
    data, kind = event.data, event.kind
    Kind = ReferralEvent.Kind
    if kind == Kind.CREATED:
        return _("Opened as %(priority)s") % {"priority": Priority(data["priority"]).label}
    if kind == Kind.REASON_ADDED:
        return _("Reason added: %(reasons)s") % {"reasons": _event_reasons(event)}
    if kind == Kind.PRIORITY_RAISED:
        return _("Priority raised from %(old)s to %(new)s") % {
            "old": Priority(data["previous"]).label,
            "new": Priority(data["priority"]).label,
        }
    if kind == Kind.STATUS_CHANGED:
        return _("Status: %(old)s → %(new)s") % {
            "old": _status(data["previous"]),
            "new": _status(data["status"]),
        }
    if kind == Kind.REFERRED_OUT:
        return _("Referred out to %(to)s") % {"to": data.get("provider") or data.get("team")}
    if kind == Kind.CLOSED:
        return _("Closed: %(outcome)s") % {"outcome": content.outcome_label(data["outcome"])}
    if kind == Kind.REASSIGNED:
        return _("Reassigned to %(name)s") % {"name": data.get("to_name", "")}
    if kind == Kind.ALERTED:
        n = len(data.get("to", []))
        return ngettext("Alert delivered to %(n)s person", "Alert delivered to %(n)s people", n) % {
            "n": n
        }
    return event.get_kind_display()
