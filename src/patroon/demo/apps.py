from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "patroon.demo"
    label = "demo"
    verbose_name = "Synthetic demo world"
