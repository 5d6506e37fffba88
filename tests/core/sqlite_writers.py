"""Run by test_sqlite_concurrency in a fresh process: several threads write through the
check-in page and the check-in service on a file-based SQLite database, while another
thread holds the write lock in a long transaction (as an import's write pass does).

    python tests/core/sqlite_writers.py DB_PATH  → prints a JSON summary on the last line
"""

import datetime as dt
import json
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THREADS, ROUNDS = 6, 8


def main(db_path: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "schoolwell.settings.test"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from schoolwell.accounts.models import User
    from schoolwell.roster.models import Class, District, Enrollment, School, Student
    from schoolwell.roster.services import class_set_teachers
    from schoolwell.screening.services.checkins import CheckInEntry, checkins_record

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        journal = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    district = District.objects.create(name="D", code="d")
    school = School.objects.create(district=district, name="S", code="s")
    classes, teachers = [], []
    for n in range(THREADS):
        klass = Class.objects.create(school=school, title=f"Class {n}", grades="07")
        teacher = User.objects.create_user(f"t{n}", password="pw-for-tests-only")
        class_set_teachers(klass=klass, teachers=[teacher])
        for i in range(5):
            student = Student.objects.create(
                school=school, local_id=f"{n}-{i}", given_name="G", family_name="F", grade=7
            )
            Enrollment.objects.create(student=student, klass=klass)
        classes.append(klass)
        teachers.append(teacher)
    connection.close()

    statuses: list[int] = []
    errors: list[str] = []
    start = threading.Barrier(THREADS + 1)

    def through_the_page(n: int) -> None:
        client = Client()
        client.force_login(teachers[n])
        url = reverse("screening:checkin_class", args=[classes[n].pk])
        ids = list(classes[n].enrollments.values_list("student_id", flat=True))
        start.wait()
        try:
            for r in range(ROUNDS):
                day = (timezone.localdate() - dt.timedelta(days=r)).isoformat()
                post = {"date": day, **{f"w-{sid}": str(1 + (r + sid) % 5) for sid in ids}}
                statuses.append(client.post(url, post).status_code)
        except Exception as exc:  # noqa: BLE001 — reported, not raised, from a thread
            errors.append(repr(exc))
        finally:
            connection.close()

    def through_the_service(n: int) -> None:
        ids = list(classes[n].enrollments.values_list("student_id", flat=True))
        start.wait()
        try:
            for r in range(ROUNDS):
                entries = [CheckInEntry(student_id=sid, wellbeing=3) for sid in ids]
                day = timezone.localdate() - dt.timedelta(days=r)
                checkins_record(klass=classes[n], teacher=teachers[n], date=day, entries=entries)
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            connection.close()

    def long_writer() -> None:
        start.wait()
        try:
            with transaction.atomic():
                School.objects.filter(pk=school.pk).update(name="S (import running)")
                time.sleep(1.5)  # every other writer waits, none fails
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            connection.close()

    workers = [
        threading.Thread(target=through_the_page if n % 2 else through_the_service, args=(n,))
        for n in range(THREADS - 1)
    ] + [threading.Thread(target=long_writer)]
    for worker in workers:
        worker.start()
    start.wait()
    for worker in workers:
        worker.join()
    from schoolwell.screening.models import CheckIn

    print(
        json.dumps(
            {
                "journal_mode": journal,
                "statuses": sorted(set(statuses)),
                "requests": len(statuses),
                "errors": errors,
                "checkins": CheckIn.objects.count(),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
