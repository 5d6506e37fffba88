"""Make the disclosure record append-only in the database too (rule 8).

PostgreSQL refuses UPDATE and DELETE on audit_accesslog (TRUNCATE, used only by test
teardown and by an operator, is not a row operation). SQLite refuses UPDATE.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION schoolwell_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_accesslog_append_only
    BEFORE UPDATE OR DELETE ON audit_accesslog
    FOR EACH ROW EXECUTE FUNCTION schoolwell_append_only();
"""
PG_DOWN = "DROP TRIGGER IF EXISTS audit_accesslog_append_only ON audit_accesslog;"
SQLITE_UP = """
CREATE TRIGGER audit_accesslog_append_only BEFORE UPDATE ON audit_accesslog
BEGIN SELECT RAISE(ABORT, 'audit_accesslog is append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_accesslog_append_only;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
