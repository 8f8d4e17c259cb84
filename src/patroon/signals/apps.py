from django.apps import AppConfig


class SignalsConfig(AppConfig):
    name = "patroon.signals"
    label = "signals"
    verbose_name = "Signals (intake)"
