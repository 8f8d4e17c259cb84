from django.apps import AppConfig


class VocabularyConfig(AppConfig):
    name = "patroon.vocabulary"
    label = "vocabulary"
    verbose_name = "Shared vocabulary"
