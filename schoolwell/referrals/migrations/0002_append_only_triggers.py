"""ReferralEvent and ReferralNote are append-only in the database too (rule 8), as the
disclosure record is."""

from django.db import migrations

from schoolwell.audit.triggers import append_only


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial"), ("audit", "0003_append_only_triggers")]
    operations = [append_only("referrals_referralevent", "referrals_referralnote")]
