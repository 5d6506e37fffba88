"""backup_data / restore_data: a backup restored into an empty database holds every row of
every table (SQLite through its online backup API, PostgreSQL through pg_dump/pg_restore).
The restore runs as an operator would, `manage.py restore_data` in a fresh process."""

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.lifecycle.conftest import *  # noqa: F403 (the record fixtures)

ROOT = Path(__file__).resolve().parents[2]


def _digest(rows) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(tuple(str(v) for v in row)).encode())
    return digest.hexdigest()


def _tables(cursor_tables) -> list[str]:
    return sorted(t for t in cursor_tables if not t.startswith("sqlite_"))


def _snapshot(execute, tables, vendor="sqlite") -> dict[str, tuple[int, str]]:
    """Per table: its row count and a digest of every row in a fixed order (PostgreSQL:
    each row as the server's own text, so client-side type parsing cannot differ)."""
    found = {}
    for table in tables:
        if vendor == "postgresql":
            rows = execute(f'SELECT t::text FROM "{table}" AS t ORDER BY 1')
        else:
            rows = execute(f'SELECT * FROM "{table}" ORDER BY 1')
        found[table] = (len(rows), _digest(rows))
    return found


def _live_snapshot():
    tables = _tables(connection.introspection.table_names())
    with connection.cursor() as cursor:

        def execute(sql):
            cursor.execute(sql)
            return cursor.fetchall()

        return _snapshot(execute, tables, connection.vendor)


def _restore(path: Path, database_url: str) -> float:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "schoolwell.settings.test",
    }
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "manage.py", "restore_data", str(path)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.monotonic() - started


@pytest.mark.django_db(transaction=True)
def test_sqlite_round_trip(tmp_path, record, school_admin):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path")
    before = _live_snapshot()
    assert before["lifecycle_recordrequest"][0] == 0
    assert before["screening_checkin"][0] == 3
    backup = tmp_path / "backup.sqlite3"
    started = time.monotonic()
    call_command("backup_data", str(backup))
    took_backup = time.monotonic() - started
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    took_restore = _restore(backup, f"sqlite:///{empty}")
    # The same column conversions as Django's connection (converters are module-global).
    restored = sqlite3.connect(empty, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
    tables = _tables(
        r[0] for r in restored.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    )
    after = _snapshot(lambda sql: restored.execute(sql).fetchall(), tables)
    restored.close()
    assert after == before
    print(f"sqlite backup {took_backup:.2f}s restore {took_restore:.2f}s")


@pytest.mark.django_db(transaction=True)
def test_postgresql_round_trip(tmp_path, record):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL path: run with DATABASE_URL=postgres://…")
    import psycopg

    before = _live_snapshot()
    backup = tmp_path / "backup.dump"
    started = time.monotonic()
    call_command("backup_data", str(backup))
    took_backup = time.monotonic() - started
    settings = connection.settings_dict
    target = f"{settings['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    server = (
        f"postgres://{settings['USER']}"
        + (f":{settings['PASSWORD']}" if settings.get("PASSWORD") else "")
        + f"@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    )
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{target}"')
    try:
        took_restore = _restore(backup, f"{server}/{target}")
        with psycopg.connect(f"{server}/{target}") as restored:
            tables = [
                r[0]
                for r in restored.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                ).fetchall()
            ]
            after = _snapshot(
                lambda sql: restored.execute(sql).fetchall(), sorted(tables), "postgresql"
            )
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
    assert after == before
    print(f"postgresql backup {took_backup:.2f}s restore {took_restore:.2f}s")


@pytest.mark.django_db
def test_restore_refuses_a_missing_or_bad_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("restore_data", str(tmp_path / "nothing"))
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database at all" * 100)
    if connection.vendor == "sqlite":
        with pytest.raises(CommandError):
            call_command("restore_data", str(bad))
