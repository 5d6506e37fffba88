"""Backup and restore of the whole database, with each engine's own tools.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists
--single-transaction` (a consistent snapshot; a failed restore changes nothing).
SQLite: the online backup API (`sqlite3.Connection.backup`), consistent while the app runs.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    pass


def _pg_env(settings: dict) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings.get(key):
            env[var] = str(settings[key])
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    # The arguments are the tool's name, fixed flags, the configured database and the
    # operator's path, passed as a list (no shell).
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(done.stderr.strip() or f"{args[0]} failed ({done.returncode})")


def backup(path: Path, alias: str = "default") -> None:
    connection = connections[alias]
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(path), settings["NAME"]],
            _pg_env(settings),
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(f"no backup for {connection.vendor}")


def restore(path: Path, alias: str = "default") -> None:
    """Replace the database's contents with the backup's (an empty database is fine)."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    connection = connections[alias]
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                settings["NAME"],
                str(path),
            ],
            _pg_env(settings),
        )
    elif connection.vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path}: not a sound SQLite database")
            connection.ensure_connection()
            source.backup(connection.connection)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path}: {error}") from error
        finally:
            source.close()
    else:
        raise BackupError(f"no restore for {connection.vendor}")
