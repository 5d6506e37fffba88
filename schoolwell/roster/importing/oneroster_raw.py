"""OneRoster on PostgreSQL: enrollments.csv copied into the database as it is, checked in SQL.

enrollments.csv holds most of a district's rows (300,000 of 440,000), and parsing and
checking them in Python was most of the import's own CPU time. When the rest of the file
is clean, its bytes go straight from the zip into a TEXT table by COPY, and SQL looks only
for rows that *could* be wrong: a missing value, an unknown status or role,
a date Python's parsers refuse (its distinct values are parsed by the very same functions),
a duplicate, a reference to no class, school or user, a role that does not match.

Whenever SQL finds such a row, or the file is one COPY might read differently from
Python's csv module (a quote, a backslash, a control character, a space beside a comma or
a line end, a byte beyond ASCII, a ragged or blank row), this path gives up and the
careful Python check reads the file instead, so every message, with its row number, is
exactly the one it always was.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.db import DatabaseError, connection, transaction

from schoolwell.roster.importing.limits import current_budget, open_member
from schoolwell.roster.importing.oneroster_files import OneRosterZip
from schoolwell.roster.importing.oneroster_rows import ENROLLMENT_ROLES, FILES, SID_MAX, STATUS
from schoolwell.roster.importing.oneroster_stage import (
    COPY_BLOCK,
    CopyStage,
    analyze_staged,
    table_name,
)
from schoolwell.roster.importing.parsing import header_positions, parse_date, parse_datetime
from schoolwell.roster.importing.scope import ImportScope

SPEC = FILES["enrollments"]
RAW = "import_enrollments_raw"
STAGED = table_name("enrollments")
CHECK_ONLY = ("school", "odd", "user_role", "class_school")
# Where COPY's CSV reading and Python's csv module (which also strips each cell) could
# part ways: quoting rules differ in corner cases, `\.` alone on a line ends COPY's data,
# NUL is no text, and a cell may start or end with a space or a control character that
# Python strips. A file with any byte beyond ASCII is left to Python as well.
UNSAFE_BYTES = b'"\\' + bytes(range(0x00, 0x0A)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20))
UNSAFE_PAIRS = (b" ,", b" \r", b" \n", b", ", b"\r ", b"\n ")


def _unsafe(data: bytes) -> bool:
    """Whether `data` holds an unsafe byte or a space beside a comma or a line end. Byte
    deletion and a search for a space run at memory speed (the pairs are looked for only
    when there is a space): one regular expression with these alternatives took 1.2 s
    over a district's 25 MB enrollments.csv, this 0.08 s."""
    return len(data.translate(None, UNSAFE_BYTES)) != len(data) or (
        b" " in data and any(pair in data for pair in UNSAFE_PAIRS)
    )


class _Unsure(Exception):
    """The file needs the careful check."""


def enrollments_by_copy(
    cursor,
    *,
    source: OneRosterZip,
    stage: CopyStage,
    scope: ImportScope,
    schools: Iterable[str],
    file_schools: Iterable[str],
) -> bool:
    """Stage enrollments.csv as `import_enrollments` and return True, or return False with
    nothing staged when the careful check must read the file.

    `schools` are the school sourcedIds a row may name (known and administered),
    `file_schools` those of orgs.csv (their enrollments count towards "absent")."""
    budget = current_budget()
    rows_read = budget.rows_read
    params = {"schools": list(scope.school_ids), "file_schools": list(file_schools)}
    try:
        with transaction.atomic():
            columns = _copy(cursor, source)
            cursor.execute(_staged_sql(columns), {**params, **_dates(cursor, columns)})
            cursor.execute(f"DROP TABLE {RAW}")
            if _suspect(cursor, list(schools)):
                raise _Unsure
    except (_Unsure, DatabaseError):
        # DatabaseError: COPY refused the file (a ragged row, bad UTF-8…). Either way the
        # savepoint's rollback took the tables with it.
        budget.rows_read = rows_read
        return False
    stage.loaded.add("enrollments")
    # What only the check needed; the careful check stages students and teachers only.
    cursor.execute(f"DELETE FROM {STAGED} WHERE role NOT IN ('student', 'teacher')")  # noqa: S608
    cursor.execute(f"ALTER TABLE {STAGED} {', '.join(f'DROP COLUMN {c}' for c in CHECK_ONLY)}")
    analyze_staged(cursor, STAGED)
    return True


def _copy(cursor, source: OneRosterZip) -> dict[str, str]:
    """COPY the file's data rows into the raw table; our column name → its SQL expression."""
    budget = current_budget()
    with open_member(source.archive, source.members[SPEC.filename.lower()]) as raw:
        first = raw.readline(64 << 10)  # a header with no line end is not read whole
        if not first.endswith(b"\n") or _unsafe(first.rstrip(b"\r\n")):
            raise _Unsure
        try:
            header = next(csv.reader([first.decode("utf-8-sig")]))
        except (UnicodeDecodeError, csv.Error):
            # csv.Error: lines ended by a lone CR, all read as one (readline stops at LF).
            raise _Unsure from None
        positions = header_positions(header, SPEC.columns)
        if any(name not in positions for name in SPEC.required):
            raise _Unsure
        cells = ", ".join(f"c{i}" for i in range(len(header)))
        cursor.execute(
            f"CREATE TEMP TABLE {RAW} (line integer GENERATED ALWAYS AS IDENTITY, "
            f"{', '.join(f'c{i} text' for i in range(len(header)))})"
        )
        number, tail = 1, b"\n"
        # (A refusal during COPY comes from psycopg itself: wrapped as Django's own.)
        with (
            connection.wrap_database_errors,
            cursor.copy(
                f"COPY {RAW} ({cells}) FROM STDIN "
                f"(FORMAT csv, FORCE_NOT_NULL ({cells}), ENCODING 'UTF8')"
            ) as copy,
        ):
            while block := raw.read(COPY_BLOCK):
                if not block.isascii() or _unsafe(tail + block):
                    raise _Unsure
                # Lines may end with \n, \r\n or a lone \r.
                rows = max(block.count(b"\n"), block.count(b"\r"))
                number += rows
                budget.check_block(SPEC.filename, number, rows)
                copy.write(block)
                tail = block[-1:]
        if tail == b" ":
            raise _Unsure
        if tail not in (b"\n", b"\r"):  # the last row, without a line end
            budget.check_block(SPEC.filename, number + 1, 1)
    budget.tell()
    return {name: f"r.c{positions[name]}" if name in positions else "''" for name in SPEC.columns}


def _dates(cursor, columns: dict[str, str]) -> dict[str, list]:
    """Each distinct date of the file, parsed by the careful check's own functions."""
    begin, end, modified = (columns[c] for c in ("beginDate", "endDate", "dateLastModified"))
    try:
        cursor.execute(f"SELECT DISTINCT {modified} FROM {RAW} r")  # noqa: S608
        for (value,) in cursor.fetchall():
            if value:
                parse_datetime(value)
        cursor.execute(f"SELECT {begin}, {end} FROM {RAW} r GROUP BY 1, 2")  # noqa: S608
        texts = list({value for pair in cursor.fetchall() for value in pair if value})
        return {"date_texts": texts, "dates": [parse_date(value) for value in texts]}
    except ValueError:
        raise _Unsure from None


def _staged_sql(columns: dict[str, str]) -> str:
    """import_enrollments as the careful check stages it, plus what checking needs."""
    c = columns
    statuses = ", ".join(f"'{status}'" for status in STATUS)
    return f"""
        CREATE TEMP TABLE {STAGED} AS
        WITH r AS (
            SELECT r.line + 1 AS row, {c["sourcedId"]} AS sid, lower({c["status"]}) AS status,
                {c["classSourcedId"]} AS klass, {c["schoolSourcedId"]} AS school,
                {c["userSourcedId"]} AS user_sid, lower({c["role"]}) AS role,
                b.day AS begin_date, e.day AS end_date,
                lower({c["status"]}) NOT IN ('', {statuses}) AS odd
            FROM {RAW} r
            LEFT JOIN unnest(%(date_texts)s::text[], %(dates)s::date[]) b (text, day)
                ON b.text = {c["beginDate"]}
            LEFT JOIN unnest(%(date_texts)s::text[], %(dates)s::date[]) e (text, day)
                ON e.text = {c["endDate"]}
        ),
        resolved AS (
            SELECT r.*,
                CASE WHEN u.sid IS NOT NULL THEN coalesce(u.kind, 'other')
                    WHEN EXISTS (SELECT FROM roster_student s
                        WHERE s.sourced_id = r.user_sid AND s.school_id = ANY(%(schools)s))
                        THEN 'students'
                    WHEN EXISTS (SELECT FROM accounts_user a WHERE a.sourced_id = r.user_sid)
                        THEN 'account'
                END AS user_role,
                coalesce(cl.school, (
                    SELECT coalesce(sc.sourced_id, '') FROM roster_class k
                    LEFT JOIN roster_school sc ON sc.id = k.school_id
                    WHERE k.sourced_id = r.klass AND k.school_id = ANY(%(schools)s)
                )) AS class_school,
                -- An enrollment ends with its own deletion, its person's or its class's.
                r.status <> 'tobedeleted' AND NOT coalesce(u.deleted, false)
                    AND coalesce(cl.active, true) AS active
            FROM r
            LEFT JOIN {table_name("users")} u ON u.sid = r.user_sid
            LEFT JOIN {table_name("classes")} cl ON cl.sid = r.klass
        )
        SELECT row, sid, klass, user_sid, role, begin_date, end_date, active,
            role = 'student' AND active AND class_school = ANY(%(file_schools)s) AS counted,
            {", ".join(CHECK_ONLY)}
        FROM resolved
    """  # noqa: S608


def _suspect(cursor, schools: list[str]) -> bool:
    """Whether any staged row could be one the careful check refuses."""
    cursor.execute(
        f"""SELECT
            EXISTS (SELECT FROM {STAGED} WHERE odd
                OR sid = '' OR length(sid) > %(sid_max)s OR klass = '' OR school = ''
                OR user_sid = '' OR NOT role = ANY(%(roles)s)
                OR end_date < begin_date
                OR class_school IS NULL OR class_school NOT IN ('', school)
                OR NOT school = ANY(%(schools)s)
                OR user_role IS NULL OR (role = 'student') <> (user_role = 'students')
                OR (role = 'teacher'
                    AND user_role NOT IN ('teachers', 'administrators', 'account')))
            OR EXISTS (SELECT FROM {STAGED} GROUP BY sid HAVING count(*) > 1)
            OR EXISTS (SELECT FROM {STAGED} GROUP BY klass, user_sid HAVING count(*) > 1)
        """,  # noqa: S608
        {"sid_max": SID_MAX, "roles": list(ENROLLMENT_ROLES), "schools": schools},
    )
    return cursor.fetchone()[0]
