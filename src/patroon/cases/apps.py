from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "patroon.cases"
    label = "cases"
    verbose_name = "Casusregie"

    def ready(self) -> None:
        # A malformed policy file stops the application at start, not at the first case.
        from patroon.cases import policy

        policy.measures()
        policy.retention()
        policy.aftercare()
