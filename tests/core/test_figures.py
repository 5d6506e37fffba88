"""Per-school cached values (`core.figures.per_school`): kept under each school's version,
and never under a version the cache could not give."""

from __future__ import annotations

import pytest

from schoolwell.core import figures


@pytest.fixture
def counted():
    calls = []

    def compute(ids):
        calls.append(sorted(ids))
        return {pk: pk * 10 for pk in ids}

    return calls, compute


def values(compute, versions=None):
    return figures.per_school(
        "test-part", [1, 2], compute, family=figures.FIGURES, seconds=60, empty=0,
        versions=versions,
    )  # fmt: skip


def test_a_school_whose_version_moved_is_computed_alone(counted):
    calls, compute = counted
    assert values(compute) == {1: 10, 2: 20}
    assert values(compute) == {1: 10, 2: 20}
    assert calls == [[1, 2]]
    figures._bump(frozenset({2}), (figures.FIGURES,))
    assert values(compute) == {1: 10, 2: 20}
    assert calls == [[1, 2], [2]]


def test_no_value_is_kept_under_a_version_the_cache_could_not_give(counted):
    """Redis unreachable: `school_versions` gives "" and a value kept under it would be
    served after the change that should replace it."""
    calls, compute = counted
    unreadable = {1: "", 2: ""}
    values(compute, unreadable)
    values(compute, unreadable)
    assert calls == [[1, 2], [1, 2]]
    assert values(compute) == {1: 10, 2: 20}  # readable again: computed and kept
    assert calls[-1] == [1, 2] and len(calls) == 3
