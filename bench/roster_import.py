"""Benchmark: import a generated 50,000-student OneRoster zip and report time and memory.

    DJANGO_SETTINGS_MODULE=schoolwell.settings.dev .venv/bin/python bench/roster_import.py

Generates, deterministically, a district of 50 schools: 50,000 students, 2,000 teachers,
75,000 guardians, 12,000 classes and ~312,000 enrollments, as a OneRoster 1.1 zip in a
temporary directory. Then migrates a throwaway database and imports the zip into it
(twice: the second run must change nothing): on PostgreSQL, a new database named after
DATABASE_URL's with `_roster` appended, dropped at the end; without DATABASE_URL, a
temporary SQLite file — never the project's db.sqlite3.

Beside the import it times two baselines. Issue 13's (PostgreSQL only): the rows the first
import stored, read back from every table it wrote and loaded by COPY into the same tables of
an empty migrated copy of the database (indexes, constraints and foreign keys included), in
one transaction: what writing these rows costs the database at best (bench/_table_copy.py).
And a floor: the same CSV files loaded as they are into indexed staging tables by the
database's own bulk path (PostgreSQL COPY; SQLite executemany). Memory is the process's
peak RSS (getrusage), measured without tracemalloc (which made the import 4x slower).

Options: --students N (default 50000), --no-reimport, --keep (keep the temp directory).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHOOLS = 50
TEACHERS_PER_SCHOOL = 40
CLASSES_PER_TEACHER = 6
CLASSES_PER_STUDENT = 6
GIVEN = [
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Elif",
    "Farid",
    "Grace",
    "Hugo",
    "Iris",
    "Jon",
    "Kai",
    "Lena",
]
FAMILY = ["Garcia", "Nguyen", "Smith", "Okafor", "Kowalski", "Haddad", "Ito", "Silva", "Brown"]


COMMON = ["sourcedId", "status", "dateLastModified"]
HEADERS = {
    "orgs.csv": [*COMMON, "name", "type", "identifier", "parentSourcedId"],
    "academicSessions.csv": [
        *COMMON, "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"
    ],
    "classes.csv": [
        *COMMON, "title", "grades", "courseSourcedId", "classCode", "classType", "location",
        "schoolSourcedId", "termSourcedIds",
    ],
    "users.csv": [
        *COMMON, "enabledUser", "orgSourcedIds", "role", "username", "userIds", "givenName",
        "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds",
        "grades", "password",
    ],
    "enrollments.csv": [
        *COMMON, "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary",
        "beginDate", "endDate",
    ],
    "demographics.csv": [*COMMON, "birthDate", "sex"],
}  # fmt: skip


def _writer(folder: Path, name: str, header: list[str]):
    """A DictWriter streaming to a CSV file (zipped once all are written)."""
    stream = open(folder / name, "w", encoding="utf-8", newline="")  # noqa: SIM115
    writer = csv.DictWriter(stream, fieldnames=header, restval="", lineterminator="\r\n")
    writer.writeheader()
    return stream, writer.writerow


def generate(path: Path, students: int) -> dict[str, int]:
    """Write the CSVs row by row (nothing held in memory), then zip them; returns counts."""
    rng = random.Random(2026)
    per_school = students // SCHOOLS
    sections = TEACHERS_PER_SCHOOL * CLASSES_PER_TEACHER
    counts = dict.fromkeys(("classes", "users", "enrollments"), 0)
    folder = path.parent / "csv"
    folder.mkdir()
    stream, row = _writer(folder, "manifest.csv", ["propertyName", "value"])
    row({"propertyName": "manifest.version", "value": "1.0"})
    row({"propertyName": "oneroster.version", "value": "1.1"})
    for name in HEADERS:
        row({"propertyName": f"file.{name.removesuffix('.csv')}", "value": "bulk"})
    row({"propertyName": "file.courses", "value": "absent"})
    stream.close()

    stream, row = _writer(folder, "orgs.csv", HEADERS["orgs.csv"])
    row({"sourcedId": "bench-d", "name": "Bench Unified", "type": "district"})
    for s in range(SCHOOLS):
        row({"sourcedId": f"sch-{s}", "name": f"Bench School {s}", "type": "school",
             "identifier": f"bench-{s}", "parentSourcedId": "bench-d"})  # fmt: skip
    stream.close()

    stream, row = _writer(folder, "academicSessions.csv", HEADERS["academicSessions.csv"])
    row({"sourcedId": "year", "title": "2026-2027", "type": "schoolYear",
         "startDate": "2026-08-20", "endDate": "2027-06-15", "schoolYear": "2027"})  # fmt: skip
    stream.close()

    stream, row = _writer(folder, "classes.csv", HEADERS["classes.csv"])
    for s in range(SCHOOLS):
        for c in range(sections):
            row({"sourcedId": f"cls-{s}-{c}", "title": f"Section {c}",
                 "grades": f"{3 + c % 10:02d}", "classCode": f"C{c}",
                 "classType": "scheduled", "schoolSourcedId": f"sch-{s}",
                 "termSourcedIds": "year"})  # fmt: skip
            counts["classes"] += 1
    stream.close()

    streams = []
    for name in ("users.csv", "enrollments.csv", "demographics.csv"):
        streams.append(_writer(folder, name, HEADERS[name]))
    (_, user), (_, enrol), (_, demo) = streams
    guardian = 0
    for s in range(SCHOOLS):
        for t in range(TEACHERS_PER_SCHOOL):
            sid = f"tch-{s}-{t}"
            user({"sourcedId": sid, "enabledUser": "true", "orgSourcedIds": f"sch-{s}",
                  "role": "teacher", "username": f"teacher.{s}.{t}",
                  "givenName": rng.choice(GIVEN), "familyName": rng.choice(FAMILY),
                  "email": f"teacher.{s}.{t}@bench.example"})  # fmt: skip
            counts["users"] += 1
            for c in range(CLASSES_PER_TEACHER):
                klass = t * CLASSES_PER_TEACHER + c
                enrol({"sourcedId": f"enr-t-{s}-{klass}", "classSourcedId": f"cls-{s}-{klass}",
                       "schoolSourcedId": f"sch-{s}", "userSourcedId": sid,
                       "role": "teacher", "primary": "true"})  # fmt: skip
                counts["enrollments"] += 1
        for n in range(per_school):
            sid = f"stu-{s}-{n}"
            grade = 3 + n % 10
            family = rng.choice(FAMILY)
            agents = []
            # 1.5 guardians per student: every other student has two.
            for _ in range(1 + n % 2):
                guardian += 1
                agents.append(f"grd-{guardian}")
                user({"sourcedId": agents[-1], "enabledUser": "true",
                      "orgSourcedIds": f"sch-{s}", "role": "parent",
                      "username": f"parent.{guardian}", "givenName": rng.choice(GIVEN),
                      "familyName": family, "email": f"parent.{guardian}@family.example",
                      "agentSourcedIds": sid})  # fmt: skip
                counts["users"] += 1
            user({"sourcedId": sid, "enabledUser": "true", "orgSourcedIds": f"sch-{s}",
                  "role": "student", "username": f"s{s}n{n}", "givenName": rng.choice(GIVEN),
                  "familyName": family, "identifier": f"{s:02d}{n:05d}",
                  "agentSourcedIds": ",".join(agents), "grades": f"{grade:02d}"})  # fmt: skip
            counts["users"] += 1
            born = f"{2020 - grade}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            demo({"sourcedId": sid, "birthDate": born})
            # Six of the sections of the student's grade (c % 10 == grade - 3).
            same_grade = [c for c in range(sections) if c % 10 == grade - 3]
            for k, klass in enumerate(rng.sample(same_grade, CLASSES_PER_STUDENT)):
                enrol({"sourcedId": f"enr-{s}-{n}-{k}", "classSourcedId": f"cls-{s}-{klass}",
                       "schoolSourcedId": f"sch-{s}", "userSourcedId": sid,
                       "role": "student", "beginDate": "2026-08-20"})  # fmt: skip
                counts["enrollments"] += 1
    for stream, _row in streams:
        stream.close()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zipped:
        for member in sorted(folder.iterdir()):
            zipped.write(member, member.name)
    return counts


def copy_baseline(zip_path: Path) -> float:
    """Seconds to load every CSV of the zip into a staging table indexed on sourcedId, in
    one transaction that is rolled back: the database's own speed for these rows."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor, zipfile.ZipFile(zip_path) as zipped:
        for name in zipped.namelist():
            if name == "manifest.csv":
                continue
            table = "bench_" + name.removesuffix(".csv").lower()
            with zipped.open(name) as raw:
                header = raw.readline().decode().strip().split(",")
                columns = ", ".join(f'"{c}" text' for c in header)
                cursor.execute(f"CREATE TEMP TABLE {table} ({columns})")
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {table} FROM STDIN (FORMAT csv)") as copy:
                        while block := raw.read(1 << 20):
                            copy.write(block)
                else:
                    marks = ", ".join("?" * len(header))
                    rows = csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
                    cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
            cursor.execute(
                f'CREATE INDEX ON {table} ("sourcedId")'
                if connection.vendor == "postgresql"
                else f'CREATE INDEX {table}_sid ON {table} ("sourcedId")'
            )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--no-reimport", action="store_true")
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="schoolwell-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolwell.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    from bench import _table_copy
    from bench._common import Timing, load, peak_rss_mb, timed

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    # DEBUG keeps every SQL statement in memory: it would measure Django, not the import.
    settings.DEBUG = False
    from schoolwell.roster.importing import roster_import_oneroster
    from schoolwell.roster.models import District, Enrollment, GuardianLink, Student

    postgres = connection.vendor == "postgresql"
    if postgres:
        _table_copy.use_new_database(connection, connection.settings_dict["NAME"] + "_roster")
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    zip_path = workdir / "oneroster.zip"
    started = time.perf_counter()
    counts = generate(zip_path, options.students)
    size = zip_path.stat().st_size / 1e6
    print(
        f"generated a {size:.1f} MB zip in {time.perf_counter() - started:.1f} s: "
        f"{options.students} students, {counts['users']} users.csv rows, "
        f"{counts['classes']} classes, {counts['enrollments']} enrollments"
    )
    district, _ = District.objects.get_or_create(code="bench-district", defaults={"name": "Bench"})
    if postgres:
        # Issue 13's baseline loads the imported rows into the database as it is now.
        blank = _table_copy.clone_database(connection)
        before = _table_copy.table_counts(connection)

    runs = ["first import", "re-import"][: 1 if options.no_reimport else 2]
    timings: dict[str, Timing] = {}
    for label in runs:
        with timed(connection) as took:
            result = roster_import_oneroster(path=zip_path, district=district, by=None)
        timings[label] = took
        print(f"\n{label}: {took}; {load()}; peak RSS so far {peak_rss_mb():.0f} MB")
        for _name, kind, c in result.rows():
            print(
                f"  {kind!s:<22} +{c.created:<7} ~{c.updated:<5} -{c.deactivated:<5} ={c.unchanged}"
            )
    with timed(connection) as floor:
        wall = copy_baseline(zip_path)
    floor.wall = wall  # the load alone, not the rollback after it
    first = timings["first import"]
    print(
        f"\nfirst import: {first}; {load()}"
        f"\nfloor ({'COPY' if postgres else 'executemany'} of the raw CSVs into indexed "
        f"staging tables): {floor}; first import = {first.wall / floor.wall:.1f}x the floor"
    )
    if postgres:
        # After every run: the re-import must have changed nothing, and reading the rows
        # into memory here keeps them out of the imports' peak RSS.
        rows = _table_copy.written_rows(connection, before)
        copied = _table_copy.copy_load(connection, blank, rows)
        _table_copy.drop_database(connection, blank)
        print(
            f"baseline (issue 13: COPY of the {sum(t.count for t in rows)} rows the import "
            f"stored into the same tables of an empty migrated database, one transaction): "
            f"{copied}; {load()}"
        )
        for table in copied.tables:
            print(f"  {table[0]:<36} {table[1]:>7} rows {table[2]:5.2f} s")
        print(
            f"first import = {first.wall / copied.wall:.1f}x the baseline's wall time, "
            f"{first.all_cpu / copied.all_cpu:.1f}x its CPU (target: at most 3x, under 30 s)"
        )
    if "re-import" in timings:
        print(f"re-import with no changes: {timings['re-import']} (target: under 10 s)")
    print(
        f"\nin the database: {Student.objects.count()} students, "
        f"{Enrollment.objects.count()} enrollments, {GuardianLink.objects.count()} guardian links"
    )
    if postgres:
        connection.close()
        _table_copy.drop_database(connection, connection.settings_dict["NAME"])
    if options.keep:
        print(f"kept {workdir}")
    else:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
