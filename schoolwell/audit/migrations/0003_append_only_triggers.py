"""Make the disclosure record append-only in the database too (rule 8).

Creates the PostgreSQL trigger function that every append-only table reuses
(see schoolwell/audit/triggers.py), then guards audit_accesslog with it.
"""

from django.db import migrations

from schoolwell.audit.triggers import append_only

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION schoolwell_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]
    operations = [
        migrations.RunPython(create_function, migrations.RunPython.noop),
        append_only("audit_accesslog"),
    ]
