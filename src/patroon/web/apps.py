from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "patroon.web"
    label = "web"
    verbose_name = "Web interface"
