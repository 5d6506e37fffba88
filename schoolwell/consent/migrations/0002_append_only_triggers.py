"""Make consent decisions and notices append-only in the database too (rule 8).

Reuses the `schoolwell_append_only()` function created by audit.0003 on PostgreSQL
(UPDATE and DELETE refused); SQLite refuses UPDATE.
"""

from django.db import migrations

TABLES = ["consent_consentdecision", "consent_consentnotice"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
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
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only;")


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial"), ("audit", "0003_append_only_triggers")]
    operations = [migrations.RunPython(forwards, backwards)]
