from django.apps import AppConfig


class ProximityConfig(AppConfig):
    name = "patroon.proximity"
    label = "proximity"
    verbose_name = "Slachtofferdevice"

    def ready(self) -> None:
        # A malformed policy file stops the application at start, not at the first ping.
        from patroon.proximity import policy

        policy.load()
