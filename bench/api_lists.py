"""Latency of the API's list endpoints on a generated district (PostgreSQL).

    psql -h 127.0.0.1 -U postgres -c 'create database api16_bench'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/api16_bench \\
        .venv/bin/python bench/api_lists.py [--schools 3 --students 3000 --days 30] [--requests 30]

Migrates, generates the district once (`generate_district`, idempotent by its code), adds a
district administrator, issues a token to each caller, then requests each list endpoint
(first page, 50 rows) through Django's test client and prints p50/p95 (query counts: tests/api).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwell.settings.test")

CODE = "apibench"
LISTS = [
    ("district", "/api/v1/students/"),
    ("district", "/api/v1/students/?grade=7"),
    ("district", "/api/v1/classes/"),
    ("counsellor", "/api/v1/checkins/"),
    ("counsellor", "/api/v1/screening-results/"),
    ("counsellor", "/api/v1/referrals/"),
    ("counsellor", "/api/v1/referrals/?priority=1&overdue=true"),
    ("counsellor", "/api/v1/support-plans/"),
    ("district", "/api/v1/consent/decisions/"),
    ("district", "/api/v1/consent/forms/"),
    ("teacher", "/api/v1/checkins/"),
    ("teacher", "/api/v1/sel/schedules/"),
    ("teacher", "/api/v1/sel/lessons/"),
    ("counsellor", "/api/v1/instruments/"),
    ("counsellor", "/api/v1/exports/"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=3)
    parser.add_argument("--students", type=int, default=3000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (see the docstring).")
    settings.API_THROTTLE_RATE = "1000000/min"
    call_command("migrate", verbosity=0)

    from schoolwell.accounts.models import User
    from schoolwell.api.services import api_token_issue
    from schoolwell.roster.models import District
    from schoolwell.roster.services import district_admin_add

    if not District.objects.filter(code=CODE).exists():
        started = time.monotonic()
        call_command(
            "generate_district",
            schools=args.schools,
            students=args.students,
            days=args.days,
            code=CODE,
        )
        print(f"generated in {time.monotonic() - started:.0f} s")
    district = District.objects.get(code=CODE)
    admin, created = User.objects.get_or_create(username=f"{CODE}-district-admin")
    if created:
        district_admin_add(district=district, user=admin)
    from schoolwell.accounts import gate

    callers = {
        "district": admin,
        "counsellor": gate.counsellors_of(district.schools.values("pk")).order_by("pk").first(),
        "teacher": User.objects.filter(username__startswith=f"{CODE}-teacher-").first(),
    }
    clients = {}
    for name, user in callers.items():
        _token, key = api_token_issue(user=user, name="bench")
        clients[name] = Client(HTTP_AUTHORIZATION=f"Token {key}")

    print(f"{'caller':<11} {'endpoint':<46} {'rows':>6} {'p50 ms':>7} {'p95 ms':>7}")
    for caller, path in LISTS:
        client = clients[caller]
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
        count = response.json()["count"]
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
        print(f"{caller:<11} {path:<46} {count:>6} {p50:>7.1f} {p95:>7.1f}")


if __name__ == "__main__":
    main()
