"""The review suggestion rule at its boundaries (thresholds documented in suggestion.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schoolwell.support.models import Direction, Suggestion
from schoolwell.support.suggestion import (
    MIN_POINTS,
    PROGRESS_SHARE,
    GoalSuggestion,
    goal_suggestion,
    plan_suggestion,
)


def suggest(values, baseline=2.0, target=6.0, direction=Direction.HIGHER):
    return goal_suggestion(baseline=baseline, target=target, direction=direction, values=values)


def test_fewer_than_four_points_is_not_enough_data_even_at_target():
    assert MIN_POINTS == 4
    assert suggest([6, 6, 6]).suggestion == Suggestion.NOT_ENOUGH_DATA
    assert suggest([6, 6, 6]).share_of_gap is None
    assert suggest([2, 3, 6, 6]).suggestion == Suggestion.STEP_DOWN


def test_met_and_held_needs_the_last_two_points_at_or_beyond_target():
    assert suggest([2, 3, 6, 6]).suggestion == Suggestion.STEP_DOWN  # exactly at target
    assert suggest([2, 3, 7, 6.5]).suggestion == Suggestion.STEP_DOWN
    # Reached once then slipped: not held (level 5.95 closes 99% of the gap: progressing).
    assert suggest([2, 3, 6, 5.9]).suggestion == Suggestion.CONTINUE
    assert suggest([2, 6, 6, 5.9]).suggestion == Suggestion.CONTINUE


def test_a_quarter_of_the_gap_is_progress_just_less_is_not():
    assert PROGRESS_SHARE == 0.25
    # baseline 2, target 6: a quarter of the gap is 1 point, so a level of 3.0.
    at = suggest([2, 2, 3, 3])
    assert at.suggestion == Suggestion.CONTINUE and at.share_of_gap == pytest.approx(0.25)
    below = suggest([2, 2, 3, 2.98])  # level 2.99
    assert below.suggestion == Suggestion.INTENSIFY
    assert below.share_of_gap == pytest.approx(0.2475)


def test_moving_the_wrong_way_suggests_intensifying():
    result = suggest([2, 1.5, 1, 1])
    assert result.suggestion == Suggestion.INTENSIFY and result.share_of_gap == -0.25


def test_lower_is_better_goals_mirror_the_rule():
    # PHQ-9 from 16 to a target of 9: 16 − 9 = 7 points of gap.
    kw = {"baseline": 16, "target": 9, "direction": Direction.LOWER}
    assert suggest([15, 12, 9, 8], **kw).suggestion == Suggestion.STEP_DOWN
    assert suggest([15, 12, 9, 10], **kw).suggestion == Suggestion.CONTINUE
    # level 14.25 closes exactly 0.25 of the gap; 14.5 only 0.214.
    assert suggest([16, 16, 14, 14.5], **kw).share_of_gap == pytest.approx(0.25)
    assert suggest([16, 16, 14, 14.5], **kw).suggestion == Suggestion.CONTINUE
    assert suggest([16, 16, 14.5, 14.5], **kw).suggestion == Suggestion.INTENSIFY


def g(s):
    return GoalSuggestion(s, 4, 0.0)


def test_plan_suggestion_combines_goals():
    S = Suggestion
    assert plan_suggestion([]) == S.NOT_ENOUGH_DATA
    assert plan_suggestion([g(S.NOT_ENOUGH_DATA)]) == S.NOT_ENOUGH_DATA
    assert plan_suggestion([g(S.STEP_DOWN), g(S.NOT_ENOUGH_DATA)]) == S.STEP_DOWN
    assert plan_suggestion([g(S.STEP_DOWN), g(S.CONTINUE)]) == S.CONTINUE
    assert plan_suggestion([g(S.STEP_DOWN), g(S.INTENSIFY), g(S.CONTINUE)]) == S.INTENSIFY


@given(
    st.lists(st.floats(0, 10, allow_nan=False), min_size=4, max_size=12),
    st.floats(0, 4.5),
    st.floats(5.5, 10),
)
def test_step_down_exactly_when_the_last_two_reach_target(values, baseline, target):
    result = suggest(values, baseline=baseline, target=target)
    held = values[-1] >= target and values[-2] >= target
    assert (result.suggestion == Suggestion.STEP_DOWN) == held
    if not held:
        expected = Suggestion.CONTINUE if result.share_of_gap >= 0.25 else Suggestion.INTENSIFY
        assert result.suggestion == expected
