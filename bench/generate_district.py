"""Benchmark: `generate_district`, beside COPY of the same check-in rows (not a test).

    createdb -h 127.0.0.1 -U postgres gen_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gen_bench \\
        .venv/bin/python bench/generate_district.py [--schools 5 --students 5000 --days 60]
    ... bench/generate_district.py --full    # 50 schools, 50,000 students, 180 days

Migrates the database and syncs the instruments (as bench/gunicorn_paths.py does), then
generates a district (a new `--code` each run unless given; it stays in the database) and
prints its time (wall, this process's CPU, the PostgreSQL backend's CPU), rows written per
second and peak RSS. The target at --full (about 9 M teacher and 5 M student check-ins) is
under 10 minutes on PostgreSQL.

Baseline (PostgreSQL): the district's rows of both check-in tables, written to a file by
COPY TO, then loaded again by COPY FROM into empty copies of those tables with the same
indexes (no foreign keys), in a transaction that is rolled back: the database's own speed
for the same rows, with nothing to compute. Without DATABASE_URL a temporary SQLite file
is used (and removed) and there is no baseline.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import load, peak_rss_mb, timed  # noqa: E402

FULL = {"schools": 50, "students": 50_000, "days": 180}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schools", type=int, default=5)
    parser.add_argument("--students", type=int, default=5000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--code", default=f"gen{os.getpid()}")
    parser.add_argument("--full", action="store_true", help="50 schools, 50,000, 180 days")
    args = parser.parse_args()
    if args.full:
        vars(args).update(FULL)
    workdir = Path(tempfile.mkdtemp(prefix="bench-generate-"))
    try:
        _run(args, workdir)
    finally:
        shutil.rmtree(workdir)  # the dumps, or the SQLite database


def _run(args, workdir: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "schoolwell.settings.dev"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.DEBUG = False  # no query log growing with the run
    call_command("migrate", verbosity=0)
    call_command("load_instruments", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; {load()}")
    print(f"generating {args.schools} schools, {args.students} students, {args.days} days")
    with timed(connection) as took:
        counts = _generate(args)
    rows = sum(counts.values())
    checkins = counts["checkins"] + counts["student_checkins"]
    print(
        f"generate_district: {took}; {rows:,} rows ({checkins:,} check-ins) at "
        f"{rows / took.wall:,.0f} rows/s; peak RSS {peak_rss_mb():.0f} MB; {load()}"
    )
    if connection.vendor != "postgresql":
        print("baseline: PostgreSQL only (set DATABASE_URL)")
        return
    dumps = _dump(connection, args.code, workdir)
    with timed(connection) as base:
        copied = _load(connection, dumps)
    for _table, dump in dumps:
        dump.unlink()
    print(
        f"baseline COPY of the same {copied:,} check-in rows from a file: {base}; "
        f"{copied / base.wall:,.0f} rows/s; {load()}"
    )
    print(f"generate_district / baseline: {took.wall / base.wall:.1f}x wall")


def _generate(args) -> dict[str, int]:
    from schoolwell.core.generator import district_generate

    return district_generate(
        code=args.code,
        schools=args.schools,
        students=args.students,
        days=args.days,
        seed=args.seed,
    )


def _dump(connection, code: str, workdir: Path) -> list[tuple[str, Path]]:
    """The district's rows of both check-in tables, each in a file as COPY writes it."""
    from schoolwell.screening.models import CheckIn
    from schoolwell.voice.models import StudentCheckIn

    dumps = []
    with connection.cursor() as cursor:
        for model in (CheckIn, StudentCheckIn):
            table = model._meta.db_table
            dump = workdir / f"{table}.copy"
            with (
                dump.open("wb") as out,
                cursor.cursor.copy(
                    f"COPY (SELECT t.* FROM {table} t"
                    " JOIN roster_student s ON s.id = t.student_id"
                    " JOIN roster_school sc ON sc.id = s.school_id"
                    " JOIN roster_district d ON d.id = sc.district_id WHERE d.code = %s)"
                    " TO STDOUT",
                    [code],
                ) as copy,
            ):
                for chunk in copy:
                    out.write(chunk)
            dumps.append((table, dump))
    return dumps


def _load(connection, dumps: list[tuple[str, Path]]) -> int:
    """COPY each file into an empty copy of its table (indexes included); rolled back."""
    from django.db import transaction

    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for table, dump in dumps:
            cursor.execute(f"CREATE TEMP TABLE baseline_{table} (LIKE {table} INCLUDING ALL)")
            with (
                dump.open("rb") as source,
                cursor.cursor.copy(f"COPY baseline_{table} FROM STDIN") as copy,
            ):
                while chunk := source.read(1 << 20):
                    copy.write(chunk)
            cursor.execute(f"SELECT count(*) FROM baseline_{table}")
            count += cursor.fetchone()[0]
        transaction.set_rollback(True)
    return count


if __name__ == "__main__":
    main()
