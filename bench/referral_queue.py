"""Time the counsellors' referral queue page with 10,000 open referrals on PostgreSQL.

    psql -h 127.0.0.1 -U postgres -c 'create database bench_referrals'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_referrals \\
        .venv/bin/python bench/referral_queue.py [--referrals 10000] [--requests 21]

Migrates the database, creates one school with N students each holding one open referral
(mixed priority, status, due time; idempotent), then requests the first page and a later,
filtered page as a signed-in counsellor through Django's test client and prints the median.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwell.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--referrals", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=21)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
    call_command("migrate", verbosity=0)

    from schoolwell.accounts.models import User
    from schoolwell.accounts.roles import Role
    from schoolwell.referrals.models import OPEN_STATUSES, Priority, Referral, Source
    from schoolwell.roster.models import District, School, Student
    from schoolwell.roster.services import school_staff_add

    district, _ = District.objects.get_or_create(code="bench", defaults={"name": "Bench"})
    school, _ = School.objects.get_or_create(
        code="bench-school", defaults={"district": district, "name": "Bench School"}
    )
    counsellor, created = User.objects.get_or_create(username="bench-counsellor")
    if created:
        school_staff_add(school=school, user=counsellor, role=Role.COUNSELLOR)
    have = Referral.objects.filter(school=school, status__in=OPEN_STATUSES).count()
    now = timezone.now()
    if have < args.referrals:
        missing = args.referrals - have
        start = Student.objects.filter(school=school).count()
        students = Student.objects.bulk_create(
            (
                Student(
                    school=school,
                    local_id=f"B{start + i}",
                    given_name="Bench",
                    family_name=f"Student{start + i:06d}",
                    grade=3 + (start + i) % 10,
                )
                for i in range(missing)
            ),
            batch_size=2000,
        )
        Referral.objects.bulk_create(
            (
                Referral(
                    school=school,
                    student=s,
                    source=Source.RULE,
                    priority=Priority.values[i % 3],
                    status=OPEN_STATUSES[i % len(OPEN_STATUSES)],
                    opened_at=now - dt.timedelta(minutes=i),
                    due_at=now + dt.timedelta(minutes=(i % 600) - 300),
                )
                for i, s in enumerate(students)
            ),
            batch_size=2000,
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE referrals_referral; ANALYZE roster_student;")
    total = Referral.objects.filter(school=school, status__in=OPEN_STATUSES).count()

    client = Client()
    client.force_login(counsellor)
    for label, params in [
        ("first page", {}),
        ("status=triage, page 40", {"status": "triage", "page": "40"}),
        ("overdue, grade 7", {"overdue": "on", "grade": "7"}),
    ]:
        client.get("/referrals/", params)  # warm up
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get("/referrals/", params)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as queries:
            client.get("/referrals/", params)
        print(
            f"{total} open referrals, {label}: median {statistics.median(times) * 1000:.1f} ms "
            f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}) over {args.requests} "
            f"requests, {len(queries)} queries"
        )


if __name__ == "__main__":
    main()
