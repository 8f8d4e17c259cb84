from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "patroon.accounts"
    label = "accounts"
    verbose_name = "Organisations and users"
