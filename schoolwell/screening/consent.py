"""The one place screening asks whether a student may be screened (rule 2).

Every entry point (teacher grid, single result, kiosk, link) and every status page goes
through `screening_consent`, so the consent rules themselves live in
`schoolwell.consent.gating` alone.
"""

from __future__ import annotations

from collections.abc import Iterable

from schoolwell.consent.gating import EffectiveConsent, Purpose, effective_consent_map

ConsentStatus = EffectiveConsent


def screening_consent(students: Iterable) -> dict[int, EffectiveConsent]:
    """Student id → effective universal-screening consent now (constant queries)."""
    return effective_consent_map(list(students), Purpose.UNIVERSAL_SCREENING)
