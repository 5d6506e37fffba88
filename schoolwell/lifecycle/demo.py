"""The lifecycle part of `seed_demo` (order 80)."""

from __future__ import annotations


def seed_lifecycle(district, rng, stdout) -> None:
    return None
