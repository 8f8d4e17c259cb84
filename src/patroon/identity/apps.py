from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "patroon.identity"
    label = "identity"
    verbose_name = "Identity vault"
