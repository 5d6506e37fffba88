"""The one place screening asks whether a student may be screened (rule 2).

Every entry point (teacher grid, single result, kiosk, link) and every status page goes
through `screening_consent`, so the consent rules live in `schoolwell.consent` alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ConsentStatus:
    allowed: bool
    state: str
    reason: str = ""


def screening_consent(students: Iterable) -> dict[int, ConsentStatus]:
    """Student id → whether screening consent is in effect now, with its state."""
    # Placeholder until schoolwell.consent.gating lands in main (then wired here).
    return {s.pk: ConsentStatus(allowed=True, state="unchecked") for s in students}
