"""The documented path for erasure through append-only tables (lifecycle/shredder.py).

Replaces the PostgreSQL trigger function from audit.0003: it still refuses UPDATE and
DELETE, except inside a transaction that set `SET LOCAL schoolwell.shred = 'on'`, which
only the shredder does. Makes the lifecycle's own event and purge tables append-only.
(SQLite: the shredder drops and recreates the triggers inside its transaction.)
"""

from django.db import migrations

from schoolwell.audit.triggers import append_only

SHREDDABLE = """
CREATE OR REPLACE FUNCTION schoolwell_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('schoolwell.shred', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only';
END;
$$ LANGUAGE plpgsql;
"""

STRICT = """
CREATE OR REPLACE FUNCTION schoolwell_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def _function(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0001_initial"), ("audit", "0003_append_only_triggers")]
    operations = [
        migrations.RunPython(_function(SHREDDABLE), _function(STRICT)),
        append_only("lifecycle_recordrequestevent", "lifecycle_purgelog"),
    ]
