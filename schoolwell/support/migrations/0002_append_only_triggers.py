"""Review decisions are append-only underneath the ORM too (see audit.triggers)."""

from django.db import migrations

from schoolwell.audit.triggers import append_only


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial"), ("audit", "0003_append_only_triggers")]

    operations = [append_only("support_reviewdecision")]
