from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "schoolwell.accounts"
    label = "accounts"
