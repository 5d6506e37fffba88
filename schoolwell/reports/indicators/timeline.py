"""A student's timeline for the counsellor: check-ins, scores and band lines, referral events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import get_language

from schoolwell.referrals import texts
from schoolwell.roster.models import Student
from schoolwell.screening import instruments

# A student's timeline -------------------------------------------------------------------


@dataclass(frozen=True)
class StudentTimeline:
    checkins: list[tuple]  # (date, wellbeing or None, absent)
    # instrument (or subscale) label → (when, total or subscale score, band label)
    scores: dict[str, list[tuple]]
    band_lines: list[tuple[str, float, str]]  # (instrument label, lower bound, band label)
    events: list[tuple]  # (when, label)


def student_timeline(user, student: Student, *, since: dt.date) -> StudentTimeline:
    """What the user may see of one student since `since`, through the domains' own
    visibility selectors (3 queries)."""
    from schoolwell.screening.selectors import checkins_visible_to, results_visible_to

    checkins = list(
        checkins_visible_to(user)
        .filter(student=student, date__gte=since)
        .order_by("date", "pk")
        .values_list("date", "wellbeing", "absent")
    )
    scores: dict[str, list[tuple]] = {}
    # Every result, not only those with a total: a subscale-only screener (SRSS-IE's E7 and
    # I6, the teacher-rated one most students have) draws one series per subscale.
    results = (
        results_visible_to(user)
        .filter(student=student, administered_at__date__gte=since)
        .select_related("instrument")
        .order_by("administered_at", "pk")
    )
    language = (get_language() or "en")[:2]
    latest = None
    for result in results:
        when = timezone.localtime(result.administered_at)
        code = result.instrument.code.upper()
        if result.total is not None:
            latest = result
            band = (
                texts.band_words(result.instrument.code, "", result.band)
                if result.band
                else result.band_label
            )
            scores.setdefault(code, []).append((when, result.total, band))
            continue
        scales = {s["key"]: s for s in instruments.scales(result.instrument.definition)}
        for key, value in (result.subscales or {}).items():
            if not isinstance(value, dict) or value.get("score") is None:
                continue  # a screener with no number (ASQ: positive or not) has no point
            scale = scales.get(key, {})
            name = instruments.localized(scale["label"], language) if scale else f"{code} {key}"
            band = value.get("band") or {}
            found = next((b for b in scale.get("bands", []) if b["key"] == band.get("key")), None)
            shown = instruments.localized(found["label"], language) if found else band.get("label")
            scores.setdefault(name, []).append((when, value["score"], shown or ""))
    # Band lines of the latest instrument with a total only: several instruments' lines
    # would overlap.
    band_lines: list[tuple[str, float, str]] = []
    if latest is not None:
        definition = latest.instrument.definition
        bands = definition.get("scoring", {}).get("total", {}).get("bands") or []
        for band in bands[1:]:
            name = band.get("label", band.get("key"))
            if isinstance(name, dict):
                name = name.get(language) or name.get("en") or band.get("key")
            band_lines.append((latest.instrument.code.upper(), band["min"], name))
    return StudentTimeline(checkins, scores, band_lines, _referral_events(user, student, since))


def _referral_events(user, student: Student, since: dt.date) -> list[tuple]:
    """(when, what) of the student's referral events the user may see (1 query)."""
    from schoolwell.referrals.models import ReferralEvent
    from schoolwell.referrals.selectors import staff_referrals

    events = ReferralEvent.objects.filter(
        referral__in=staff_referrals(user).filter(student=student), at__date__gte=since
    ).order_by("at", "pk")
    return [(timezone.localtime(e.at), str(e.get_kind_display())) for e in events]
