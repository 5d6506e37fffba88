"""Drop three indexes another one already serves: enrollment.student and .klass lead
"enrollment_unique" (student, klass) and (klass, active); guardianlink.guardian leads
"guardian_link_unique". Only the indexes: an AlterField(db_index=False) would also drop
and re-add the foreign keys, which locks the users, students and classes tables (every
signed-in request reads them) and re-checks every row while it holds them. On PostgreSQL
the indexes go CONCURRENTLY, so reads and writes of these tables carry on meanwhile."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# name: (table, column), as Django named them in 0001 (the same on both databases).
INDEXES = {
    "roster_enrollment_student_id_97c2b93d": ("roster_enrollment", "student_id"),
    "roster_enrollment_klass_id_74558bd2": ("roster_enrollment", "klass_id"),
    "roster_guardianlink_guardian_id_8637cecf": ("roster_guardianlink", "guardian_id"),
}


def _concurrently(schema_editor) -> str:
    return " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""


def drop_indexes(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX{_concurrently(schema_editor)} IF EXISTS "{name}"')


def create_indexes(apps, schema_editor):
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX{_concurrently(schema_editor)} IF NOT EXISTS "{name}" '
            f'ON "{table}" ("{column}")'
        )


class Migration(migrations.Migration):
    # DROP INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("roster", "0002_importjob"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="enrollment",
                    name="klass",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="enrollments",
                        to="roster.class",
                    ),
                ),
                migrations.AlterField(
                    model_name="enrollment",
                    name="student",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="enrollments",
                        to="roster.student",
                    ),
                ),
                migrations.AlterField(
                    model_name="guardianlink",
                    name="guardian",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="guardian_links",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
        ),
    ]
