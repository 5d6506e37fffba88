"""Queries and latency of the hot paths beside a trivial signed-in endpoint (not a test).

    .venv/bin/python bench/hot_paths.py [--students 2000] [--days 30] [--requests 41]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_hot .venv/bin/python bench/hot_paths.py

SQLite by default (a fresh file under /tmp, `--db` to choose), PostgreSQL when DATABASE_URL is
set (create the database first). Builds one school at size, idempotently: `--students` active
students in classes of 30, `--days` school days of check-ins for every student, an open
referral for one student in five, passive and active consent forms with decisions and
notices for most families, a check-in pattern rule and a concern-tag rule. Then, through
Django's test client, each path is requested `--requests` times after a warm-up, and its
query count (one request), p50 and p95 are printed:

* session status (`/accounts/session/`): the trivial signed-in endpoint, the floor;
* check-in save: a teacher saves the whole class of 30 (alternating values, so every save
  changes every row and the rules are evaluated; the history has no low days, so none fires:
  the path measured is the everyday save, not the opening of referrals);
* check-in page (GET), referral queue, a student's timeline, the school dashboard.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwell.settings.test")
# Persistent connections, as in production (and each request's queries stay countable).
os.environ.setdefault("CONN_MAX_AGE", "600")

CLASS_SIZE = 30


def _build(args) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from schoolwell.accounts.models import User
    from schoolwell.accounts.roles import Role
    from schoolwell.consent.gating import school_year_on
    from schoolwell.consent.models import (
        Channel,
        ConsentDecision,
        ConsentForm,
        ConsentNotice,
        Decision,
        Policy,
        Purpose,
    )
    from schoolwell.referrals.models import OPEN_STATUSES, Priority, Referral, Source
    from schoolwell.referrals.models.rules import DueUnit, RuleKind, ThresholdRule
    from schoolwell.roster.models import (
        Class,
        District,
        Enrollment,
        GuardianLink,
        School,
        Student,
    )
    from schoolwell.roster.services import class_set_teachers, school_staff_add
    from schoolwell.screening.models import CheckIn

    call_command("migrate", verbosity=0)
    call_command("load_instruments", verbosity=0)
    district, _ = District.objects.get_or_create(code="bench", defaults={"name": "Bench"})
    school, _ = School.objects.get_or_create(
        code="bench-hot", defaults={"district": district, "name": "Bench School"}
    )
    users = {}
    for name, role in [
        ("bench-teacher", None),
        ("bench-counsellor", Role.COUNSELLOR),
        ("bench-admin", Role.SCHOOL_ADMIN),
    ]:
        user, created = User.objects.get_or_create(username=name)
        if created and role:
            school_staff_add(school=school, user=user, role=role)
        users[name] = user
    have = Student.objects.filter(school=school).count()
    today = timezone.localdate()
    if have < args.students:
        print(f"building {args.students - have} students …", flush=True)
        students = Student.objects.bulk_create(
            Student(
                school=school,
                local_id=f"H{i}",
                given_name=f"Given{i}",
                family_name=f"Family{i:06d}",
                grade=6 + i % 3,
                date_of_birth=dt.date(2012 + i % 3, 1 + i % 12, 1 + i % 28),
            )
            for i in range(have, args.students)
        )
        n_classes = (args.students + CLASS_SIZE - 1) // CLASS_SIZE
        classes = list(Class.objects.filter(school=school).order_by("pk"))
        for c in range(len(classes), n_classes):
            classes.append(Class.objects.create(school=school, title=f"Advisory {c + 1}"))
        Enrollment.objects.bulk_create(
            Enrollment(student=s, klass=classes[(have + i) // CLASS_SIZE])
            for i, s in enumerate(students)
        )
        class_set_teachers(klass=classes[0], teachers=[users["bench-teacher"]])
        parents = User.objects.bulk_create(User(username=f"bench-parent-{s.pk}") for s in students)
        GuardianLink.objects.bulk_create(
            GuardianLink(student=s, guardian=p, may_consent=True)
            for s, p in zip(students, parents, strict=True)
        )
        days = []
        day = today
        while len(days) < args.days:
            if day.weekday() < 5:
                days.append(day)
            day -= dt.timedelta(days=1)
        for day in days:
            CheckIn.objects.bulk_create(
                (
                    CheckIn(
                        student=s,
                        teacher=users["bench-teacher"],
                        klass_id=classes[(have + i) // CLASS_SIZE].pk,
                        date=day,
                        wellbeing=3 + (i + day.toordinal()) % 3,
                    )
                    for i, s in enumerate(students)
                    if day != today or (have + i) >= CLASS_SIZE
                ),
                batch_size=5000,
            )
        now = timezone.now()
        Referral.objects.bulk_create(
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
            if i % 5 == 0
        )
        year = school_year_on(today)
        forms = {}
        for purpose, policy in [
            (Purpose.UNIVERSAL_SCREENING, Policy.PASSIVE),
            (Purpose.COUNSELLING, Policy.ACTIVE),
        ]:
            forms[purpose], _ = ConsentForm.objects.get_or_create(
                school=school,
                purpose=purpose,
                version=1,
                defaults={
                    "school_year": year,
                    "policy": policy,
                    "notice_days": 10,
                    "published_at": now - dt.timedelta(days=60),
                },
            )
        ConsentNotice.objects.bulk_create(
            ConsentNotice(
                student=s,
                guardian=p,
                form=forms[Purpose.UNIVERSAL_SCREENING],
                sent_at=now - dt.timedelta(days=i % 30),
            )
            for i, (s, p) in enumerate(zip(students, parents, strict=True))
            if i % 7
        )
        choices = [Decision.GRANTED, Decision.GRANTED, Decision.DENIED, Decision.REVOKED]
        ConsentDecision.objects.bulk_create(
            ConsentDecision(
                student=s,
                guardian=p,
                form=forms[purpose],
                decision=choices[(i + k) % 4],
                channel=Channel.PORTAL,
                recorded_by=p,
                at=now - dt.timedelta(days=20 - k),
            )
            for i, (s, p) in enumerate(zip(students, parents, strict=True))
            for k, purpose in enumerate([Purpose.COUNSELLING, Purpose.UNIVERSAL_SCREENING])
            if (i + k) % 3
        )
        for code, kind, extra in [
            ("low", RuleKind.CHECKIN_LOW, {"threshold": 2, "count": 3, "window_school_days": 10}),
            ("tag", RuleKind.CONCERN_TAG, {"tags": ["self_harm"]}),
        ]:
            ThresholdRule.objects.get_or_create(
                school=school,
                code=f"bench-{code}",
                defaults={
                    "kind": kind,
                    "priority": Priority.ROUTINE,
                    "due_within": 1,
                    "due_unit": DueUnit.values[0],
                    **extra,
                },
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    klass = Class.objects.filter(school=school).order_by("pk").first()
    return {"school": school, "klass": klass, **users}


def _measure(label, request, n: int) -> None:
    from django.db import connection

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    request()  # warm up (template loading, caches)
    with connection.execute_wrapper(counter):
        request()
    times = []
    for _ in range(n):
        started = time.perf_counter()
        request()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"{label:<28} {count[0]:>4} queries   p50 {statistics.median(times):8.1f} ms"
        f"   p95 {p95:8.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--requests", type=int, default=41)
    parser.add_argument("--db", default=str(Path(tempfile.gettempdir()) / "bench_hot.sqlite3"))
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{args.db}")

    import django

    django.setup()
    import logging

    from django.test import Client

    logging.disable(logging.INFO)
    from django.urls import reverse

    from schoolwell.roster.selectors import class_roster
    from schoolwell.screening.models import CheckIn

    world = _build(args)
    school, klass = world["school"], world["klass"]
    roster = list(class_roster(klass).values_list("pk", flat=True))
    student_id = CheckIn.objects.filter(klass=klass).values_list("student_id", flat=True)[0]
    print(
        f"{len(roster)} students in the class, {args.students} in the school, "
        f"{CheckIn.objects.count()} check-ins"
    )

    def client(user) -> Client:
        c = Client()
        c.force_login(user)
        return c

    teacher = client(world["bench-teacher"])
    counsellor = client(world["bench-counsellor"])
    admin = client(world["bench-admin"])
    checkin_url = reverse("screening:checkin_class", args=[klass.pk])
    flip = [0]

    def save():
        flip[0] += 1
        data = {f"w-{sid}": str(3 + (sid + flip[0]) % 3) for sid in roster}
        response = teacher.post(checkin_url, data)
        assert response.status_code == 302, response.status_code

    def get(c, url):
        def request():
            response = c.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return request

    _measure(
        "session status (trivial)", get(teacher, reverse("accounts:session_status")), args.requests
    )
    _measure("check-in save (class of 30)", save, args.requests)
    _measure("check-in page", get(teacher, checkin_url), args.requests)
    _measure("referral queue", get(counsellor, reverse("referrals:queue")), args.requests)
    _measure(
        "student timeline",
        get(counsellor, reverse("referrals:timeline", args=[student_id])),
        args.requests,
    )
    _measure(
        "school dashboard",
        get(admin, reverse("reports:school", args=[school.pk])),
        max(5, args.requests // 4),
    )


if __name__ == "__main__":
    main()
