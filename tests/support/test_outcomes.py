"""Outcome arithmetic against hand-computed examples, and the published thresholds."""

import datetime as dt

import pytest

from schoolwell.support.models import Direction
from schoolwell.support.outcomes import (
    Change,
    goal_outcome,
    instrument_threshold,
    trend_line,
)


def test_published_thresholds_are_read_from_the_instrument_fixtures_with_their_source():
    phq9 = instrument_threshold("phq-9")
    assert (phq9.reliable_change, phq9.clinical_cutoff) == (6, 10)
    assert "Gyani" in phq9.source
    assert instrument_threshold("gad-7").reliable_change == 4
    assert instrument_threshold("who-5").reliable_change == 2.5
    # No published threshold recorded: raw change only.
    assert instrument_threshold("phq-a") is None
    assert instrument_threshold("no-such-instrument") is None


@pytest.mark.parametrize(
    ("baseline", "latest", "change", "category", "recovered"),
    [
        (15, 9, -6, Change.IMPROVED, True),  # −6 reaches the RCI; 15 ≥ 10 > 9
        (15, 10, -5, Change.UNCHANGED, False),  # −5 is within the RCI
        (20, 14, -6, Change.IMPROVED, False),  # reliable, but still ≥ 10
        (8, 14, 6, Change.WORSE, False),
        (8, 13, 5, Change.UNCHANGED, False),
    ],
)
def test_phq9_against_hand_computed_examples(baseline, latest, change, category, recovered):
    result = goal_outcome(
        baseline=baseline,
        latest=latest,
        direction=Direction.LOWER,
        threshold=instrument_threshold("phq-9"),
    )
    assert (result.change, result.category, result.recovered) == (change, category, recovered)


def test_who5_higher_is_better_with_a_fractional_threshold():
    threshold = instrument_threshold("who-5")
    two = goal_outcome(baseline=10, latest=12, direction=Direction.HIGHER, threshold=threshold)
    assert (two.change, two.category) == (2, Change.UNCHANGED)  # 2 < 2.5 (10 % points)
    three = goal_outcome(baseline=10, latest=13, direction=Direction.HIGHER, threshold=threshold)
    assert (three.change, three.category, three.recovered) == (3, Change.IMPROVED, True)


def test_raw_change_without_a_threshold_goes_by_its_sign():
    up = goal_outcome(baseline=3, latest=3.5, direction=Direction.HIGHER)
    assert (up.change, up.category, up.threshold) == (0.5, Change.IMPROVED, None)
    same = goal_outcome(baseline=3, latest=3, direction=Direction.HIGHER)
    assert same.category == Change.UNCHANGED
    lower_better = goal_outcome(baseline=12, latest=13, direction=Direction.LOWER)
    assert (lower_better.change, lower_better.category) == (1, Change.WORSE)
    none = goal_outcome(baseline=3, latest=None, direction=Direction.HIGHER)
    assert (none.change, none.category) == (None, None)


def test_trend_line_is_the_least_squares_fit():
    d = dt.date(2026, 9, 7)
    # x = 0, 7, 14 days; y = 1, 2, 6: slope = 35/98 = 0.3571/day; mean (7, 3).
    points = [(d, 1), (d + dt.timedelta(days=7), 2), (d + dt.timedelta(days=14), 6)]
    assert trend_line(points) == [(d, 0.5), (d + dt.timedelta(days=14), 5.5)]
    assert trend_line(points[:1]) == []
