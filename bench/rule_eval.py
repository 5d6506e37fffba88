"""Benchmark: the live threshold-rule evaluation of one save, for a student with a short
and with a long history (not a test).

    .venv/bin/python bench/rule_eval.py [--short 10] [--long 1000] [--repeat 100]

A throwaway SQLite database (DATABASE_URL if set, e.g. a PostgreSQL database created
first) holds one school with the default rules plus the three student-voice rules, and two
students of one class: one with `--short` prior school days of teacher check-ins and of
their own check-ins (schoolwell.voice), one with `--long`; their last four weeks are alike,
so only the length of the history differs. Each repetition runs, in its own transaction
(rolled back), the hooks a save runs: the check-in hook on today's teacher check-in and the
voice hook on today's own check-in, first for an everyday check-in (nothing fires), then
for a low one (the rules fire and open a referral). Printed for both students: wall and CPU
per evaluation and queries per evaluation, then the long/short ratio. Target: flat (ratio
about 1), as the rules read only a bounded window through the (student, date) indexes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import setup_django  # noqa: E402

CODE = "bench-rule-eval"


def _school_days(end: dt.date, n: int) -> list[dt.date]:
    days, day = [], end
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return days[::-1]


def seed(sizes: dict[str, int], today: dt.date) -> dict:
    """The school, its teacher and class, and one student per size (idempotent)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from schoolwell.accounts.models import User
    from schoolwell.referrals.demo import rules_install_defaults
    from schoolwell.referrals.models import DueUnit, Priority, RuleKind, ThresholdRule
    from schoolwell.roster.models import Class, District, Enrollment, School, Student
    from schoolwell.roster.services import class_set_teachers
    from schoolwell.screening.models import CheckIn
    from schoolwell.voice.models import Channel, Feeling, StudentCheckIn

    with transaction.atomic():
        district, _ = District.objects.get_or_create(code=CODE, defaults={"name": "Bench"})
        school, created = School.objects.get_or_create(
            code=CODE, defaults={"district": district, "name": "Bench School"}
        )
        teacher, _ = User.objects.get_or_create(username=f"{CODE}-teacher")
        klass, _ = Class.objects.get_or_create(school=school, title="Advisory")
        if created:
            rules_install_defaults(school=school)
            class_set_teachers(klass=klass, teachers=[teacher])
            for code, kind, values in (
                ("voice-low", RuleKind.VOICE_LOW, {"count": 3, "window_school_days": 10}),
                ("voice-drop", RuleKind.VOICE_DROP, {"threshold": Decimal(2)}),
                ("voice-unsafe", RuleKind.VOICE_UNSAFE, {"count": 2, "window_school_days": 10}),
            ):
                ThresholdRule.objects.create(
                    school=school,
                    code=code,
                    kind=kind,
                    priority=Priority.HIGH,
                    due_within=2,
                    due_unit=DueUnit.SCHOOL_DAYS,
                    **values,
                )
        students = {}
        feelings = [Feeling.HAPPY, Feeling.CALM, Feeling.OKAY, Feeling.CALM, Feeling.WORRIED]
        for label, size in sizes.items():
            student, made = Student.objects.get_or_create(
                school=school,
                local_id=f"{label}-{size}",
                defaults={"given_name": label, "family_name": "Bench", "grade": 7},
            )
            students[label] = student
            if not made:
                continue
            Enrollment.objects.create(student=student, klass=klass)
            days = _school_days(today - dt.timedelta(days=1), size)
            # Steady days and now and then a low one: the same pattern for every length.
            CheckIn.objects.bulk_create(
                (
                    CheckIn(
                        student=student,
                        teacher=teacher,
                        klass=klass,
                        date=day,
                        wellbeing=2 if day.toordinal() % 7 == 0 else 4,
                    )
                    for day in days
                ),
                batch_size=5000,
            )
            now = timezone.now()
            StudentCheckIn.objects.bulk_create(
                (
                    StudentCheckIn(
                        school=school,
                        student=student,
                        date=day,
                        feeling=feelings[day.toordinal() % len(feelings)],
                        channel=Channel.LINK,
                        created_at=now,
                    )
                    for day in days
                ),
                batch_size=5000,
            )
    # Planner statistics of the filled tables, as autovacuum would have them in production
    # (a fresh table's estimate of one row per student picks the wrong index).
    with connection.cursor() as cursor:
        for table in ("screening_checkin", "voice_studentcheckin"):
            cursor.execute(f"ANALYZE {table}")
    return {"school": school, "teacher": teacher, "klass": klass, "students": students}


def evaluate_once(world: dict, student, today: dt.date, low: bool) -> tuple[float, float, int]:
    """One save's rule evaluation for `student` (teacher and own check-in of today; `low`:
    low enough to fire the rules, which then open a referral), rolled back: wall ms, CPU ms,
    queries."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from schoolwell.referrals.rules import checkins_evaluate, voice_checkin_evaluate
    from schoolwell.screening.models import CheckIn
    from schoolwell.voice.models import DEFAULT_LOW_FEELINGS, Channel, Feeling, StudentCheckIn

    with transaction.atomic():
        checkin = CheckIn.objects.create(
            student=student,
            teacher=world["teacher"],
            klass=world["klass"],
            date=today,
            wellbeing=1 if low else 4,
        )
        own = StudentCheckIn.objects.create(
            school=world["school"],
            student=student,
            date=today,
            feeling=Feeling.SAD if low else Feeling.CALM,
            channel=Channel.LINK,
            created_at=timezone.now(),
        )
        with CaptureQueriesContext(connection) as queries:
            began, cpu = time.perf_counter(), time.process_time()
            checkins_evaluate([checkin])
            voice_checkin_evaluate(own, DEFAULT_LOW_FEELINGS)
            took, cpu = time.perf_counter() - began, time.process_time() - cpu
        transaction.set_rollback(True)
    return took * 1000, cpu * 1000, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", type=int, default=10, help="prior school days, short")
    parser.add_argument("--long", type=int, default=1000, help="prior school days, long")
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(os.path.join(tmp, "bench.sqlite3"))
        from django.db import connection
        from django.utils import timezone

        today = timezone.localdate()
        world = seed({"short": args.short, "long": args.long}, today)
        print(f"{connection.vendor}; load average {os.getloadavg()[0]:.1f}", flush=True)
        for low, case in ((False, "everyday save, nothing fires"), (True, "rules fire")):
            print(case)
            figures = {}
            for label in ("short", "long"):
                student = world["students"][label]
                evaluate_once(world, student, today, low)  # warm: connection, rules, plans
                runs = [evaluate_once(world, student, today, low) for _ in range(args.repeat)]
                wall = statistics.median(r[0] for r in runs)
                cpu = statistics.median(r[1] for r in runs)
                figures[label] = (wall, cpu)
                size = args.short if label == "short" else args.long
                print(
                    f"  {size:>6} prior days (teacher and own check-ins): wall {wall:6.2f} ms  "
                    f"cpu {cpu:6.2f} ms  queries {runs[0][2]}  (median of {args.repeat})",
                    flush=True,
                )
            ratio_wall = figures["long"][0] / figures["short"][0]
            ratio_cpu = figures["long"][1] / figures["short"][1]
            print(
                f"  ratio long/short: wall {ratio_wall:.2f}  cpu {ratio_cpu:.2f}  "
                f"{'FLAT' if ratio_cpu < 1.5 else 'GROWS'} (target about 1)"
            )
        print(f"load average after {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
