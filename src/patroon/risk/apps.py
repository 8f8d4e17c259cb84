from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "patroon.risk"
    verbose_name = "Risk assessment"

    def ready(self) -> None:
        # Refuse to start on a malformed instrument or protocol file: the error names the
        # instrument, the item and the field.
        from patroon.risk.instruments import instruments
        from patroon.risk.protocol import protocol

        instruments()
        protocol()
