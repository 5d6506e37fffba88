"""A realistic district of any size, for benchmarks and load tests (`generate_district`).

Deterministic by seed: the same arguments (and the same `today`) give the same rows. Large
tables go in by PostgreSQL COPY, streamed so memory stays flat, or bulk inserts on SQLite;
nothing goes through the per-row services, whose audit and alert side effects a synthetic
district must not have.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from schoolwell.core.generator.activity import (
    generate_checkins,
    generate_consent,
    generate_screening,
    generate_sel,
    load_libraries,
)
from schoolwell.core.generator.casework import (
    generate_alerts,
    generate_safety,
    generate_support,
)
from schoolwell.core.generator.referrals import generate_referrals
from schoolwell.core.generator.roster import generate_roster
from schoolwell.core.generator.voice import generate_voice, generate_voice_consent
from schoolwell.referrals.demo import rules_install_defaults


def district_generate(
    *,
    code: str,
    schools: int,
    students: int,
    days: int,
    seed: int = 1,
    today: dt.date | None = None,
) -> dict[str, int]:
    """Create district `code` and its activity; returns row counts by kind."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    with transaction.atomic():
        load_libraries()
        roster = generate_roster(
            code=code, schools=schools, students=students, rng=rng, today=today
        )
        counts = dict(roster.counts)
        # A live school runs the shipped threshold rules; without them nothing evaluates.
        counts["threshold_rules"] = sum(
            rules_install_defaults(school=school) for school in roster.schools
        )
        counts["consent_decisions"] = generate_consent(roster, rng, today)
        voice_counts, windows = generate_voice_consent(roster, rng, today)
        counts.update(voice_counts)
        counts["checkins"] = generate_checkins(roster, rng, today, days)
        counts["student_checkins"], unsafe = generate_voice(roster, rng, today, days, windows)
        counts["screening_results"] = generate_screening(roster, rng, today)
        referrals = generate_referrals(roster, rng, today, opened=unsafe)
        counts["referrals"] = len(referrals)
        counts["voice_referrals"] = len(unsafe)
        counts.update(generate_support(roster, referrals, rng, today))
        counts["risk_assessments"] = generate_safety(referrals, rng, today)
        counts["alert_deliveries"] = generate_alerts(roster, referrals, rng)
        counts["sel_deliveries"] = generate_sel(roster, rng, today)
    return counts
