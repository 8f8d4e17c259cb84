from django.apps import AppConfig


class PatternsConfig(AppConfig):
    name = "patroon.patterns"
    verbose_name = "Patterns and alerts"

    def ready(self) -> None:
        # Refuse to start on a malformed rules file: the error names the rule and the field.
        from patroon.patterns.rulebook import rulebook

        rulebook()
