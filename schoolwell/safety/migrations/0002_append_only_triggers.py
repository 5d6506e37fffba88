"""Risk assessments, safety plan versions and guardian notifications are append-only in
the database too: a change is a new row, so the history is kept (rule 8)."""

from django.db import migrations

from schoolwell.audit.triggers import append_only


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_initial"), ("audit", "0003_append_only_triggers")]
    operations = [
        append_only(
            "safety_riskassessment", "safety_safetyplanrevision", "safety_guardiannotification"
        )
    ]
