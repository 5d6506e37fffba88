"""Make consent decisions and notices append-only in the database too (rule 8)."""

from django.db import migrations

from schoolwell.audit.triggers import append_only


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial"), ("audit", "0003_append_only_triggers")]
    operations = [append_only("consent_consentdecision", "consent_consentnotice")]
