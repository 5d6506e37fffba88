"""The review suggestion: one pure rule from a goal's data points to what to suggest.

The counsellor decides; the rule only suggests, and both are recorded. Thresholds:

* MIN_POINTS = 4 — fewer data points since the plan started: "not enough data yet"
  (progress monitoring needs at least four points before a tier decision).
* HOLD_POINTS = 2 — "met and held": the last two points both reach the target
  (at or beyond it, in the goal's direction) → suggest stepping down or closing.
* PROGRESS_SHARE = 0.25 — otherwise the level (mean of the last two points) has closed
  at least a quarter of the gap from baseline to target → "progressing, continue";
  less than a quarter (or movement the wrong way) → "intensify or move to tier 3".

A plan with several goals: goals without enough data are left out; if none has enough,
"not enough data"; all met and held → step down; any with little or no progress →
intensify; else continue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from schoolwell.support.models import Direction, Suggestion

MIN_POINTS = 4
HOLD_POINTS = 2
PROGRESS_SHARE = 0.25


@dataclass(frozen=True)
class GoalSuggestion:
    suggestion: Suggestion
    points: int
    share_of_gap: float | None  # how much of baseline→target the recent level has closed


def _better_or_equal(value: float, target: float, direction: str) -> bool:
    return value <= target if direction == Direction.LOWER else value >= target


def share_of_gap(*, baseline: float, target: float, level: float) -> float:
    """(level − baseline) / (target − baseline): 0 at baseline, 1 at target, negative when
    worse. Direction is implied by the sign of target − baseline."""
    return (level - baseline) / (target - baseline)


def goal_suggestion(
    *, baseline: float, target: float, direction: str, values: Sequence[float]
) -> GoalSuggestion:
    """`values` are the goal's data points in date order."""
    points = len(values)
    if points < MIN_POINTS:
        return GoalSuggestion(Suggestion.NOT_ENOUGH_DATA, points, None)
    recent = values[-HOLD_POINTS:]
    level = sum(recent) / len(recent)
    share = share_of_gap(baseline=baseline, target=target, level=level)
    if all(_better_or_equal(v, target, direction) for v in recent):
        return GoalSuggestion(Suggestion.STEP_DOWN, points, share)
    if share >= PROGRESS_SHARE:
        return GoalSuggestion(Suggestion.CONTINUE, points, share)
    return GoalSuggestion(Suggestion.INTENSIFY, points, share)


def plan_suggestion(goals: Sequence[GoalSuggestion]) -> Suggestion:
    judged = [g.suggestion for g in goals if g.suggestion != Suggestion.NOT_ENOUGH_DATA]
    if not judged:
        return Suggestion.NOT_ENOUGH_DATA
    if all(s == Suggestion.STEP_DOWN for s in judged):
        return Suggestion.STEP_DOWN
    if Suggestion.INTENSIFY in judged:
        return Suggestion.INTENSIFY
    return Suggestion.CONTINUE
