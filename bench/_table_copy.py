"""Issue 13's baseline for an import: the rows it stored, loaded by PostgreSQL COPY into the
same tables (with their indexes, constraints and foreign keys) of an empty migrated database.

    blank = clone_database(connection)        # after migrate, before the import
    before = table_counts(connection)
    ... the import ...
    rows = written_rows(connection, before)   # COPY (SELECT ...) TO STDOUT, in memory
    timing = copy_load(connection, blank, rows)
    drop_database(connection, blank)

The clone is made by CREATE DATABASE ... TEMPLATE, so it holds exactly what the bench
database held before the import (migrations' own rows, the bench's district).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import psycopg

from bench._common import Timing, process_cpu


@dataclass
class TableRows:
    """Rows one table gained, as COPY text, and how many."""

    table: str
    count: int
    data: bytes


@dataclass
class CopyTiming(Timing):
    """The load's time, and each table's (name, rows, seconds)."""

    tables: list[tuple[str, int, float]] = field(default_factory=list)


def _dsn(connection, dbname: str) -> str:
    settings = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        dbname=dbname,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=str(settings["PORT"]) if settings["PORT"] else None,
    )


def _admin(connection, sql: str) -> None:
    """A statement CREATE/DROP DATABASE needs: autocommit, on the maintenance database."""
    with psycopg.connect(_dsn(connection, "postgres"), autocommit=True) as admin:
        admin.execute(sql)


def clone_database(connection) -> str:
    """An empty copy of the bench database as it stands (a template needs no other session
    on it: Django's connection is closed and reopens by itself)."""
    name = connection.settings_dict["NAME"]
    clone = f"{name}_copy_baseline"
    connection.close()
    _admin(connection, f'DROP DATABASE IF EXISTS "{clone}"')
    _admin(connection, f'CREATE DATABASE "{clone}" TEMPLATE "{name}"')
    return clone


def use_new_database(connection, name: str) -> None:
    """Point `connection` at a new empty database `name` (replacing one left by a run that
    failed): other benchmarks share DATABASE_URL's, and the first run must be a first
    import."""
    connection.close()
    drop_database(connection, name)
    _admin(connection, f'CREATE DATABASE "{name}"')
    connection.settings_dict["NAME"] = name


def drop_database(connection, name: str) -> None:
    _admin(connection, f'DROP DATABASE IF EXISTS "{name}"')


def table_counts(connection) -> dict[str, tuple[int, int]]:
    """table → (rows, highest id) for every table of the public schema with an `id`."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'id'
            WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1"""
        )
        tables = [name for (name,) in cursor.fetchall()]
        union = " UNION ALL ".join(
            f"SELECT '{t}', count(*), coalesce(max(id), 0) FROM \"{t}\"" for t in tables
        )
        cursor.execute(union)
        return {table: (rows, top) for table, rows, top in cursor.fetchall()}


def _fk_order(cursor, tables: set[str]) -> list[str]:
    """`tables` with each one after the tables it references."""
    cursor.execute(
        """SELECT c.conrelid::regclass::text, c.confrelid::regclass::text
        FROM pg_constraint c WHERE c.contype = 'f'"""
    )
    needs = {t: set() for t in tables}
    for table, target in cursor.fetchall():
        if table in tables and target in tables and target != table:
            needs[table].add(target)
    order: list[str] = []
    while needs:
        ready = sorted(t for t, deps in needs.items() if not deps - set(order))
        if not ready:
            raise RuntimeError(f"foreign-key cycle among {sorted(needs)}")
        order.extend(ready)
        for t in ready:
            del needs[t]
    return order


def written_rows(connection, before: dict[str, tuple[int, int]]) -> list[TableRows]:
    """The rows each table gained since `before` (ids above its highest then), read by
    COPY (SELECT ...) TO STDOUT, in foreign-key order. Rows the import only updated are
    not counted: a first import updates one (the district's sourcedId)."""
    after = table_counts(connection)
    grown = {t for t, (rows, _top) in after.items() if rows != before.get(t, (0, 0))[0]}
    result = []
    with connection.cursor() as cursor:
        for table in _fk_order(cursor, grown):
            top = before.get(table, (0, 0))[1]
            buffer = bytearray()
            with cursor.cursor.copy(
                f'COPY (SELECT * FROM "{table}" WHERE id > {top} ORDER BY id) TO STDOUT'
            ) as copy:
                for block in copy:
                    buffer += block
            gained = after[table][0] - before.get(table, (0, 0))[0]
            result.append(TableRows(table, gained, bytes(buffer)))
    return result


def copy_load(connection, dbname: str, rows: list[TableRows]) -> CopyTiming:
    """Seconds (and CPU, ours and the backend's) to COPY `rows` into database `dbname`, in one
    transaction committed at the end (the deferred foreign keys are checked then)."""
    timing = CopyTiming()
    with psycopg.connect(_dsn(connection, dbname)) as target:
        pid = target.info.backend_pid
        cpu = process_cpu(pid)
        started, ours = time.perf_counter(), time.process_time()
        with target.cursor() as cursor:
            for table in rows:
                begun = time.perf_counter()
                with cursor.copy(f'COPY "{table.table}" FROM STDIN') as copy:
                    copy.write(table.data)
                timing.tables.append((table.table, table.count, time.perf_counter() - begun))
        target.commit()
        timing.wall = time.perf_counter() - started
        timing.cpu = time.process_time() - ours
        if cpu is not None:
            timing.backend_cpu = process_cpu(pid) - cpu
    return timing
