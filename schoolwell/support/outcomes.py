"""Outcomes of a goal: baseline, latest, change, and whether the change means anything.

Where the instrument's fixture records a published reliable-change threshold
(`scoring.total.change`, with its source), a change counts as improved or worse only when
it reaches that threshold; and a reliable improvement from the clinical range to below the
published cut-off is "recovered" (Jacobson & Truax). Every other measure shows the raw
change, and its sign alone says improved / unchanged / worse.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from schoolwell.support.models import Direction, Measure


class Change(models.TextChoices):
    IMPROVED = "improved", _("Improved")
    UNCHANGED = "unchanged", _("Unchanged")
    WORSE = "worse", _("Worse")


@dataclass(frozen=True)
class Threshold:
    reliable_change: float
    clinical_cutoff: float | None
    source: str


@dataclass(frozen=True)
class GoalOutcome:
    baseline: float
    latest: float | None
    change: float | None  # latest − baseline, raw
    category: Change | None
    threshold: Threshold | None
    recovered: bool = False


def instrument_threshold(code: str) -> Threshold | None:
    """The published reliable-change threshold of an instrument's total, if its fixture
    records one."""
    from schoolwell.screening import instruments

    try:
        total = instruments.get(code)["scoring"].get("total") or {}
    except instruments.UnknownInstrumentError:
        return None
    change = total.get("change")
    if not change:
        return None
    return Threshold(
        reliable_change=float(change["reliable_change"]),
        clinical_cutoff=change.get("clinical_cutoff"),
        source=change["source"]["about"],
    )


def goal_outcome(
    *,
    baseline: float,
    latest: float | None,
    direction: str,
    threshold: Threshold | None = None,
) -> GoalOutcome:
    if latest is None:
        return GoalOutcome(baseline, None, None, None, threshold)
    change = round(latest - baseline, 2)
    # Improvement in the goal's direction: positive is better either way.
    gain = -change if direction == Direction.LOWER else change
    limit = threshold.reliable_change if threshold else 0
    if threshold is None:
        category = Change.IMPROVED if gain > 0 else Change.WORSE if gain < 0 else Change.UNCHANGED
    else:
        category = (
            Change.IMPROVED
            if gain >= limit
            else Change.WORSE
            if gain <= -limit
            else Change.UNCHANGED
        )
    recovered = False
    if threshold and threshold.clinical_cutoff is not None and category == Change.IMPROVED:
        cutoff = threshold.clinical_cutoff
        if direction == Direction.LOWER:
            recovered = baseline >= cutoff > latest
        else:
            recovered = baseline < cutoff <= latest
    return GoalOutcome(baseline, latest, change, category, threshold, recovered)


def threshold_for(goal) -> Threshold | None:
    if goal.measure == Measure.INSTRUMENT:
        return instrument_threshold(goal.instrument_code)
    return None


def trend_line(points) -> list[tuple]:
    """The least-squares line through (date, value) points, as its two end points; empty
    with fewer than two distinct dates."""
    if len({d for d, _v in points}) < 2:
        return []
    origin = points[0][0]
    xs = [(d - origin).days for d, _v in points]
    ys = [v for _d, v in points]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mean_x) ** 2 for x in xs
    )
    at = lambda x: round(mean_y + slope * (x - mean_x), 2)  # noqa: E731
    return [(points[0][0], at(xs[0])), (points[-1][0], at(xs[-1]))]
