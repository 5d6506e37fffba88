"""What a threshold rule says about one screening result or one check-in: pure functions
over data already read, shared by the live hooks (`referrals.rules`, which then write
referrals) and the what-if replay (`referrals.whatif`, which writes nothing).

A check-in pattern rule reads the student's recent check-ins as a `History`; the caller
decides where they come from (one query per batch live, one query per replay).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from schoolwell.referrals import schooldays, texts
from schoolwell.referrals.models import ReasonCode, RuleKind, ThresholdRule

BASELINE_DAYS = 28  # "the student's own rolling baseline of the last 4 weeks"
BASELINE_MIN_CHECKINS = 5  # fewer than this is not a baseline yet


@dataclass(frozen=True)
class Fire:
    """One rule firing for one student: the reason key (rule 3 dedupes on it) and the
    reason as a code with parameters (put into words by `referrals.texts`)."""

    rule: ThresholdRule
    key: str
    code: str
    params: dict


def _number(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _num(value: Decimal) -> str:
    """2.00 → "2", 2.50 → "2.5": thresholds as a reason's parameters."""
    return f"{Decimal(value).normalize():f}"


def _band_key(band) -> str | None:
    """A band as stored by screening: a key, or {"key", "label"}."""
    if isinstance(band, dict):
        return band.get("key")
    return getattr(band, "key", band)


def screening_match(rule: ThresholdRule, result) -> tuple[str, dict] | None:
    """The reason (code, params) if `rule` fires on `result` (a ScreeningResult), else None."""
    code = result.instrument.code
    if rule.kind == RuleKind.CRITICAL:
        if result.critical and rule.instrument_code in ("", code):
            return ReasonCode.CRITICAL, texts.critical_params(result)
        return None
    if rule.instrument_code != code:
        return None
    if rule.kind == RuleKind.SCORE_TOTAL:
        total = _number(result.total)
        if result.complete and total is not None and total >= rule.threshold:
            return ReasonCode.SCORE_TOTAL, {
                "instrument": code,
                "total": result.total,
                "threshold": _num(rule.threshold),
            }
        return None
    subscale = (result.subscales or {}).get(rule.subscale) if rule.subscale else None
    if rule.kind == RuleKind.SUBSCALE:
        score = _number(subscale.get("score")) if subscale else None
        if score is not None and score >= rule.threshold:
            return ReasonCode.SUBSCALE, {
                "instrument": code,
                "subscale": rule.subscale,
                "score": str(subscale["score"]),
                "threshold": _num(rule.threshold),
            }
        return None
    if rule.kind == RuleKind.BAND:
        band = _band_key((subscale or {}).get("band") if rule.subscale else result.band)
        if band and band in rule.bands:
            return ReasonCode.BAND, {"instrument": code, "subscale": rule.subscale, "band": band}
    return None


def screening_fires(rules: Iterable[ThresholdRule], result) -> list[Fire]:
    """Every screening rule that fires on `result`; each result is its own reason (a later
    administration over the line is news)."""
    fires = []
    for rule in rules:
        found = screening_match(rule, result)
        if found:
            fires.append(Fire(rule, f"rule:{rule.pk}:result:{result.pk}", *found))
    return fires


@functools.lru_cache(maxsize=4096)
def _window_start(end: dt.date, school_days: int) -> dt.date:
    return schooldays.window_start(end, school_days)


class History:
    """One student's check-ins as (date, wellbeing, absent), sorted by date, with running
    sums so a replay of a whole term asks each question in logarithmic time."""

    __slots__ = ("_counts", "_low", "_sums", "dates", "rows")

    def __init__(self, rows: Iterable[tuple[dt.date, int | None, bool]]):
        self.rows = sorted(rows, key=lambda row: row[0])
        self.dates = [row[0] for row in self.rows]
        self._sums, self._counts = [0], [0]
        for _day, wellbeing, absent in self.rows:
            rated = not absent and wellbeing is not None
            self._sums.append(self._sums[-1] + (wellbeing if rated else 0))
            self._counts.append(self._counts[-1] + rated)
        self._low: dict[Decimal, list[dt.date]] = {}

    def _low_dates(self, threshold: Decimal) -> list[dt.date]:
        """The distinct school days with a check-in at or below `threshold`."""
        if threshold not in self._low:
            self._low[threshold] = sorted(
                {
                    day
                    for day, wellbeing, absent in self.rows
                    if not absent
                    and wellbeing is not None
                    and wellbeing <= threshold
                    and schooldays.is_school_day(day)
                }
            )
        return self._low[threshold]

    def low_days(self, *, end: dt.date, school_days: int, threshold: Decimal) -> int:
        """School days (Monday–Friday) with a check-in at or below `threshold` among the
        `school_days` school days ending on `end`."""
        low = self._low_dates(threshold)
        start = _window_start(end, school_days)
        return bisect.bisect_right(low, end) - bisect.bisect_left(low, start)

    def baseline(self, day: dt.date) -> tuple[Decimal | None, int]:
        """Mean wellbeing of the 4 weeks before `day` (not counting it), and how many."""
        lo = bisect.bisect_left(self.dates, day - dt.timedelta(days=BASELINE_DAYS))
        hi = bisect.bisect_left(self.dates, day)
        n = self._counts[hi] - self._counts[lo]
        if not n:
            return None, 0
        return Decimal(self._sums[hi] - self._sums[lo]) / Decimal(n), n


EMPTY_HISTORY = History(())


def history_days(rules: Sequence[ThresholdRule]) -> int:
    """How many calendar days before a check-in its pattern rules read."""
    days = BASELINE_DAYS
    for rule in rules:
        if rule.kind == RuleKind.CHECKIN_LOW and rule.window_school_days:
            # n school days span at most n + 2·(n // 5 + 1) calendar days (weekends).
            days = max(days, rule.window_school_days + 2 * (rule.window_school_days // 5 + 1))
    return days


def checkin_fires(rules: Iterable[ThresholdRule], checkin, history: History | None) -> list[Fire]:
    """Every check-in rule that fires on `checkin` (a CheckIn or anything with student_id,
    date, wellbeing, tags), given the student's `history` up to and including its day."""
    history = history or EMPTY_HISTORY
    fires = []
    for rule in rules:
        if rule.kind == RuleKind.CONCERN_TAG:
            if not checkin.tags:
                continue
            for tag in sorted(set(checkin.tags or []) & set(rule.tags)):
                fires.append(
                    Fire(rule, f"rule:{rule.pk}:tag:{tag}", ReasonCode.CONCERN_TAG, {"tag": tag})
                )
            continue
        if checkin.wellbeing is None:
            continue
        if rule.kind == RuleKind.CHECKIN_LOW:
            n = history.low_days(
                end=checkin.date, school_days=rule.window_school_days, threshold=rule.threshold
            )
            if n >= rule.count:
                params = {
                    "count": n,
                    "threshold": _num(rule.threshold),
                    "days": rule.window_school_days,
                }
                fires.append(Fire(rule, f"rule:{rule.pk}", ReasonCode.CHECKIN_LOW, params))
        elif rule.kind == RuleKind.CHECKIN_DROP:
            mean, n = history.baseline(checkin.date)
            if n >= BASELINE_MIN_CHECKINS and mean - Decimal(checkin.wellbeing) >= rule.threshold:
                params = {"wellbeing": checkin.wellbeing, "baseline": f"{mean:.1f}"}
                fires.append(Fire(rule, f"rule:{rule.pk}", ReasonCode.CHECKIN_DROP, params))
    return fires


class VoiceCheckIn(NamedTuple):
    """What the student-voice rules read of a student's own check-in (schoolwell.voice),
    made by `referrals.rules.voice_checkin` for the live hook and the what-if replay alike."""

    date: dt.date
    score: int  # 1–5
    low: bool  # one of the school's low feelings
    unsafe: bool  # "feeling unsafe" among its topics


class VoiceHistory:
    """One student's own check-ins as `VoiceCheckIn`s (or (date, score, low, unsafe)):
    three views of it as a `History`, so the voice rules ask the same questions as the
    teacher check-in rules (low days within a window, a drop from the 4-week baseline)."""

    __slots__ = ("low", "mood", "unsafe")

    def __init__(self, rows: Iterable[tuple[dt.date, int, bool, bool]]):
        rows = list(rows)
        # A "low" day is stored as 1 and any other as 5, so `low_days(threshold=1)` counts.
        self.low = History((day, 1 if low else 5, False) for day, _score, low, _unsafe in rows)
        self.unsafe = History(
            (day, 1 if unsafe else 5, False) for day, _score, _low, unsafe in rows
        )
        self.mood = History((day, score, False) for day, score, _low, _unsafe in rows)


EMPTY_VOICE_HISTORY = VoiceHistory(())
_MARKED = Decimal(1)


def voice_history_days(rules: Sequence[ThresholdRule]) -> int:
    days = BASELINE_DAYS
    for rule in rules:
        if rule.kind in (RuleKind.VOICE_LOW, RuleKind.VOICE_UNSAFE) and rule.window_school_days:
            days = max(days, rule.window_school_days + 2 * (rule.window_school_days // 5 + 1))
    return days


def voice_fires(
    rules: Iterable[ThresholdRule], checkin, history: VoiceHistory | None
) -> list[Fire]:
    """Every student-voice rule that fires on `checkin` (a `VoiceCheckIn`), given the
    student's `history` of own check-ins up to and including its day."""
    history = history or EMPTY_VOICE_HISTORY
    fires = []
    for rule in rules:
        if rule.kind in (RuleKind.VOICE_LOW, RuleKind.VOICE_UNSAFE):
            low = rule.kind == RuleKind.VOICE_LOW
            n = (history.low if low else history.unsafe).low_days(
                end=checkin.date, school_days=rule.window_school_days, threshold=_MARKED
            )
            if n >= rule.count:
                code = ReasonCode.VOICE_LOW if low else ReasonCode.VOICE_UNSAFE
                params = {"count": n, "days": rule.window_school_days}
                fires.append(Fire(rule, f"rule:{rule.pk}", code, params))
        elif rule.kind == RuleKind.VOICE_DROP:
            mean, n = history.mood.baseline(checkin.date)
            if n >= BASELINE_MIN_CHECKINS and mean - Decimal(checkin.score) >= rule.threshold:
                params = {"score": checkin.score, "baseline": f"{mean:.1f}"}
                fires.append(Fire(rule, f"rule:{rule.pk}", ReasonCode.VOICE_DROP, params))
    return fires
