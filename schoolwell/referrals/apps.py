from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "schoolwell.referrals"
    label = "referrals"
