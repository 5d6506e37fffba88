"""Database-level append-only guards for the tables of rule 8, used by migrations.

PostgreSQL refuses UPDATE and DELETE through the `schoolwell_append_only()` trigger
function (created by audit.0003); SQLite refuses UPDATE. TRUNCATE (test teardown, an
operator's deliberate act) is not a row operation and is not blocked.
"""

from django.db import migrations


def append_only(*tables: str) -> migrations.RunPython:
    """A migration operation that makes each table append-only (and undoes it backwards)."""

    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for table in tables:
            if vendor == "postgresql":
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION schoolwell_append_only();"
                )
            elif vendor == "sqlite":
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
                )

    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for table in tables:
            if vendor == "postgresql":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
            elif vendor == "sqlite":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only;")

    return migrations.RunPython(forwards, backwards)
