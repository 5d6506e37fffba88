"""OneRoster on PostgreSQL: the rows pass 1 parsed, staged for COPY into temporary tables.

Pass 1 parses each CSV once; on PostgreSQL it also writes every parsed record (with its row
number) to a spool file in COPY's text format, so the write pass never reads the zip again.
At the end of pass 1 the spools are copied into TEMP tables, where the file is compared
with the database (`oneroster_sql.check_staged`) and from which `oneroster_sql` writes the
roster with set-based SQL. Pass 1 cannot COPY as it reads: it queries the database per
batch, and a connection busy with COPY can do nothing else. Spools stay in memory up to a
few MB, then move to disk, so memory stays flat. enrollments.csv, most of the rows, is
usually not parsed in Python at all (`oneroster_raw`).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable

from django.db import DatabaseError, connection

from schoolwell.roster.importing.oneroster_rows import GUARDIAN_ROLES, STAFF_ROLES, STUDENT

SPOOL_IN_MEMORY = 4 << 20
COPY_BLOCK = 1 << 20

# table → (column, type); row numbers are kept so a staged row can always be located.
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "classes": (
        ("row", "integer"),
        ("sid", "text"),
        ("school", "text"),
        ("term", "text"),
        ("title", "text"),
        ("class_code", "text"),
        ("grades", "text"),
        ("active", "boolean"),
        ("counted", "boolean"),
    ),
    "users": (
        ("row", "integer"),
        ("sid", "text"),
        ("kind", "text"),
        ("deleted", "boolean"),
        ("active", "boolean"),
        ("given_name", "text"),
        ("family_name", "text"),
        ("preferred_name", "text"),
        ("email", "text"),
        ("username", "text"),
        ("local_id", "text"),
        ("grade", "smallint"),
        ("school", "text"),
        ("counted", "boolean"),
    ),
    "birth_dates": (("sid", "text"), ("birth_date", "date")),
    "links": (
        ("guardian", "text"),
        ("student", "text"),
        ("relationship", "text"),
        ("may_consent", "boolean"),
    ),
    "enrollments": (
        ("row", "integer"),
        ("sid", "text"),
        ("klass", "text"),
        ("user_sid", "text"),
        ("role", "text"),
        ("begin_date", "date"),
        ("end_date", "date"),
        ("active", "boolean"),
        ("counted", "boolean"),
    ),
}
# Only these tables are looked up by sourcedId often enough to deserve an index.
INDEXED = {"users": "sid", "classes": "sid"}

USER_KINDS = {"teacher": "teachers", "administrator": "administrators"}


def user_kind(role: str | None) -> str | None:
    """students / teachers / administrators / guardians, or None (no account)."""
    if role == STUDENT:
        return "students"
    if role in GUARDIAN_ROLES:
        return "guardians"
    return USER_KINDS.get(role) if role in STAFF_ROLES else None


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    """One value in COPY's text format."""
    if value.__class__ is str:
        return value.translate(_ESCAPES)
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# The other types staged, formatted by C functions (a Python call per cell was a third of
# the staging time); anything else goes through _text.
_FORMATS = {
    int: int.__str__,
    bool: {True: "t", False: "f"}.__getitem__,
    type(None): lambda _none: r"\N",
    dt.date: dt.date.isoformat,
}


def _line(row: tuple) -> str:
    """A row in COPY's text format. Called for each of ~500,000 staged rows: cells are
    joined in one go, and only a line whose strings hold a tab, newline, carriage return
    or backslash (beyond the one of each NULL's \\N) is escaped cell by cell."""
    cells = [v if v.__class__ is str else _FORMATS.get(v.__class__, _text)(v) for v in row]
    line = "\t".join(cells)
    if (
        line.count("\t") != len(cells) - 1
        or line.count("\\") != row.count(None)
        or "\n" in line
        or "\r" in line
    ):
        line = "\t".join(map(_text, row))
    return line + "\n"


class CopyStage:
    """Collects pass 1's records; `load` copies them into TEMP tables (one COPY each)."""

    def __init__(self) -> None:
        self.spools = {
            name: tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed by close())
                max_size=SPOOL_IN_MEMORY, mode="w+", encoding="utf-8", newline=""
            )
            for name in TABLES
        }
        self.counts = dict.fromkeys(TABLES, 0)
        # The small files are kept as parsed records: a few schools and terms.
        self.orgs: list[dict] = []
        self.terms: list[dict] = []
        # Administrators are few; their grants go through the ordinary services.
        self.admins: list[dict] = []
        # Tables created so far: they live as long as the connection (pass 1 runs outside
        # the write transaction), so close() drops them.
        self.loaded: set[str] = set()

    def add(self, table: str, rows: Iterable[tuple]) -> None:
        spool = self.spools[table]
        lines = [_line(row) for row in rows]
        self.counts[table] += len(lines)
        spool.writelines(lines)

    def open(self) -> None:
        with connection.cursor() as cursor:
            # Each large statement of an import runs once: PostgreSQL's JIT compiled each
            # anew, about half a second apiece, more than it ever saved. Its hash joins
            # and duplicate checks over 300,000 rows spilled to disk in the default 4 MB.
            cursor.execute("SET jit = off")
            cursor.execute("SET work_mem = '64MB'")

    def close(self) -> None:
        for spool in self.spools.values():
            spool.close()
        try:
            with connection.cursor() as cursor:
                for name in self.loaded:
                    cursor.execute(f"DROP TABLE IF EXISTS {table_name(name)}")
                cursor.execute("RESET jit")
                cursor.execute("RESET work_mem")
        except DatabaseError:
            # Only after a failed statement inside an outer transaction (a test's): the
            # rollback that follows drops the tables with everything else.
            pass

    def load(self, cursor, *, exclude: Iterable[str] = ()) -> None:
        """Create and fill the TEMP tables not created yet (one COPY each)."""
        for name, columns in TABLES.items():
            if name in self.loaded or name in exclude:
                continue
            table = table_name(name)
            spec = ", ".join(f"{column} {kind}" for column, kind in columns)
            cursor.execute(f"CREATE TEMP TABLE {table} ({spec})")
            self.loaded.add(name)
            spool = self.spools[name]
            spool.seek(0)
            with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                while block := spool.read(COPY_BLOCK):
                    copy.write(block)
            if name in INDEXED:
                cursor.execute(f"CREATE INDEX ON {table} ({INDEXED[name]})")
            analyze_staged(cursor, table)


def analyze_staged(cursor, table: str) -> None:
    """Give the planner a staged table's size. It is read once, by joins on its ids, which
    need row counts and distinct counts, not the default 30,000-row sample with a
    100-bucket histogram of every column (~0.3 s for each large table; 3,000 rows, 0.03 s)."""
    cursor.execute("SET default_statistics_target = 10")
    cursor.execute(f"ANALYZE {table}")
    cursor.execute("RESET default_statistics_target")


def table_name(name: str) -> str:
    return f"import_{name}"
