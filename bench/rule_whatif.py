"""Benchmark: the what-if replay over a term of a 1,000-student school.

    .venv/bin/python bench/rule_whatif.py [--students 1000] [--weeks 16]

Builds a throwaway SQLite database (DATABASE_URL if set, else a temporary file) with one
school: the default rules, two counsellors, daily check-ins on every school day of the
term (~5% absent, some concern tags) and two PHQ-A windows' results for every student;
then times `rule_whatif` for three proposals (a lowered PHQ-A threshold, a looser
low-check-in rule, a new concern-tag rule) as the page and `manage.py rule_whatif` run it.
Target: under 5 seconds each. Wall and CPU time are both printed: on a busy shared machine
the wall time is the CPU time stretched by the wait for a core (the load average is shown).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import setup_django  # noqa: E402


def seed(students: int, weeks: int, today: dt.date):
    from django.db import transaction
    from django.utils import timezone

    from schoolwell.accounts.models import User
    from schoolwell.accounts.roles import Role
    from schoolwell.referrals.demo import rules_install_defaults
    from schoolwell.roster.models import District, School, Student
    from schoolwell.roster.services import school_staff_add
    from schoolwell.screening.models import CheckIn, ScreeningResult
    from schoolwell.screening.services import instrument_sync

    school = School.objects.filter(code="bench-whatif").first()
    if school is not None:
        return school
    rng = random.Random(12)
    phqa = {i.code: i for i in instrument_sync()}["phq-a"]
    with transaction.atomic():
        district = District.objects.create(name="Bench", code="bench-whatif")
        school = School.objects.create(district=district, name="Bench School", code="bench-whatif")
        rules_install_defaults(school=school)
        for n in range(2):
            user = User.objects.create_user(f"bench_counsellor_{n}")
            school_staff_add(school=school, user=user, role=Role.COUNSELLOR)
        teacher = User.objects.create_user("bench_teacher")
        Student.objects.bulk_create(
            Student(
                school=school,
                local_id=f"S{i:05d}",
                given_name=f"Given{i}",
                family_name=f"Family{i}",
                grade=6 + i % 7,
            )
            for i in range(students)
        )
        ids = list(Student.objects.filter(school=school).values_list("pk", flat=True))
        start = today - dt.timedelta(weeks=weeks, days=today.weekday())
        days = [
            start + dt.timedelta(days=n)
            for n in range((today - start).days + 1)
            if (start + dt.timedelta(days=n)).weekday() < 5
        ]
        tags = ["withdrawn", "tearful", "tired", "anxious_worried", "self_harm_concern"]
        rows = []
        for student in ids:
            mood = rng.choice([3, 3, 4, 4, 4, 5, 5])
            for day in days:
                absent = rng.random() < 0.05
                # Mostly steady, sometimes a point off, now and then a bad day.
                change = rng.choices([0, -1, 1, -2], weights=[80, 9, 9, 2])[0]
                rows.append(
                    CheckIn(
                        student_id=student,
                        teacher=teacher,
                        date=day,
                        absent=absent,
                        wellbeing=None if absent else max(1, min(5, mood + change)),
                        tags=[rng.choice(tags)] if rng.random() < 0.01 else [],
                    )
                )
        CheckIn.objects.bulk_create(rows, batch_size=5000)
        results = []
        for offset in (weeks * 7 - 10, 20):
            at = timezone.make_aware(
                dt.datetime.combine(today - dt.timedelta(days=offset), dt.time(10))
            )
            for student in ids:
                total = min(27, max(0, int(rng.gauss(5, 4))))
                results.append(
                    ScreeningResult(
                        student_id=student,
                        instrument=phqa,
                        answers={},
                        total=total,
                        band="",
                        subscales={},
                        scores={},
                        critical=rng.random() < 0.005,
                        complete=True,
                        respondent="student",
                        administered_at=at,
                    )
                )
        ScreeningResult.objects.bulk_create(results, batch_size=2000)
    print(f"seeded {len(ids)} students, {len(rows)} check-ins, {len(results)} PHQ-A results")
    return school


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=16, help="a term")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(os.path.join(tmp, "bench.sqlite3"))
        from schoolwell.referrals.models import Priority, RuleKind, ThresholdRule
        from schoolwell.referrals.whatif import rule_copy, rule_whatif

        today = dt.date(2026, 12, 11)
        school = seed(args.students, args.weeks, today)
        rules = {r.code: r for r in ThresholdRule.objects.filter(school=school)}
        lowered = rule_copy(rules["phq-a-moderate"])
        lowered.threshold = Decimal(8)
        looser = rule_copy(rules["checkins-low"])
        looser.threshold, looser.count = Decimal(2), 2
        new = ThresholdRule(
            school=school,
            kind=RuleKind.CONCERN_TAG,
            tags=["withdrawn", "tearful"],
            priority=Priority.ROUTINE,
            due_within=5,
            due_unit="school_days",
            active=True,
        )
        for label, proposed in (
            ("PHQ-A total 10 → 8", lowered),
            ("low check-ins 3 → 2", looser),
            ("new concern-tag rule", new),
        ):
            began, cpu = time.perf_counter(), time.process_time()
            whatif = rule_whatif(school=school, proposed=proposed, weeks=args.weeks, today=today)
            took, cpu = time.perf_counter() - began, time.process_time() - cpu
            print(
                f"{label:<24} wall {took:6.2f} s  cpu {cpu:5.2f} s  "
                f"referrals {whatif.current.referrals} → {whatif.proposed.referrals}  "
                f"newly flagged {len(whatif.newly_flagged)}  "
                f"no longer {len(whatif.no_longer_flagged)}  "
                f"{'OK' if took < 5 else 'SLOW'} (target < 5 s)"
            )
        # On a shared machine the wall time is the CPU time times the queue for a core.
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
