"""Benchmark: the retention task on the demo district, and backup/restore of its database.

    .venv/bin/python bench/lifecycle.py            # SQLite in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_lifecycle \
        .venv/bin/python bench/lifecycle.py        # (an existing, empty PostgreSQL database)

Seeds the demo district (`seed_demo`), then times `retention_apply` three ways: the nightly
run with nothing expired; a run six years on with a tenth of the students gone (their
check-ins, every screening result and the closed referrals and plans expire); and that
run's rows per second. Then `backup_data` and `restore_data` (into the same database,
replacing it) with the file size. Wall and CPU time are printed.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(label: str, fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    print(
        f"{label}: {time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU"
    )
    return result


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-lifecycle-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'demo.sqlite3'}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "schoolwell.settings.dev"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from schoolwell.lifecycle.services import retention_apply
    from schoolwell.roster.models import Student
    from schoolwell.screening.models import CheckIn, ScreeningResult

    settings.DEBUG = False
    print(f"database: {connection.vendor}; load average {os.getloadavg()[0]:.1f}")
    call_command("migrate", verbosity=0)
    timed("seed_demo", lambda: call_command("seed_demo", stdout=io.StringIO()))
    print(
        f"demo district: {Student.objects.count()} students, {CheckIn.objects.count()} "
        f"check-ins, {ScreeningResult.objects.count()} screening results"
    )
    logs = timed("retention task, nothing expired", lambda: retention_apply())
    print(f"  rows purged: {sum(log.rows for log in logs)}")
    # Six years on, a tenth of the students have left (inactive, last enrollment ended).
    gone = list(Student.objects.order_by("pk").values_list("pk", flat=True)[::10])
    Student.objects.filter(pk__in=gone).update(active=False)
    later = timezone.localdate() + dt.timedelta(days=6 * 365)
    wall = time.perf_counter()
    logs = timed("retention task, six years on", lambda: retention_apply(today=later))
    took = time.perf_counter() - wall
    rows = sum(log.rows for log in logs)
    by_category: dict[str, int] = {}
    for log in logs:
        key = str(log.category)
        by_category[key] = by_category.get(key, 0) + log.rows
    print(f"  records purged: {rows} {by_category} ({rows / took:.0f} records/s)")

    backup = workdir / ("demo.dump" if connection.vendor == "postgresql" else "backup.sqlite3")
    timed("backup_data", lambda: call_command("backup_data", str(backup), stdout=sys.stdout))
    timed("restore_data", lambda: call_command("restore_data", str(backup), stdout=sys.stdout))
    print(f"backup file: {backup.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
