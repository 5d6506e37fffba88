"""Migration 0003 drops three indexes other indexes serve, and nothing else: the foreign
keys stay (re-adding them would lock the users, students and classes tables)."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module(
    "schoolwell.roster.migrations.0003_enrollment_link_redundant_fk_indexes"
)


def _constraints(table: str) -> dict:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


def test_the_redundant_indexes_are_gone_and_the_foreign_keys_kept():
    tables = ("roster_enrollment", "roster_guardianlink")
    # Per table: SQLite names foreign keys fk_0, fk_1… in each.
    found = [(t, c) for t in tables for name, c in _constraints(t).items()]
    names = {name for t in tables for name in _constraints(t)}
    assert not set(MIGRATION.INDEXES) & names
    foreign = {
        (t, c["columns"][0]): c["foreign_key"][0]
        for t, c in found
        if c["foreign_key"] and len(c["columns"]) == 1
    }
    assert foreign[("roster_enrollment", "klass_id")] == "roster_class"
    assert foreign[("roster_enrollment", "student_id")] == "roster_student"
    assert foreign[("roster_guardianlink", "guardian_id")] == "accounts_user"
    # Each dropped index's column still leads another index.
    leading = {(t, c["columns"][0]) for t, c in found if c["index"] or c["unique"]}
    for table, column in MIGRATION.INDEXES.values():
        assert (table, column) in leading, (table, column)


def test_the_migration_touches_only_indexes():
    """Its database side is the index drop alone (no AlterField's DROP/ADD CONSTRAINT), and
    it runs outside a transaction, as DROP INDEX CONCURRENTLY must."""
    from django.db import migrations

    (operation,) = MIGRATION.Migration.operations
    assert isinstance(operation, migrations.SeparateDatabaseAndState)
    assert [type(o) for o in operation.database_operations] == [migrations.RunPython]
    assert MIGRATION.Migration.atomic is False
