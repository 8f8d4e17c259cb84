from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "patroon.hotline"
    verbose_name = "Hotline"

    def ready(self) -> None:
        # Refuse to start on a malformed danger-phrase file.
        from patroon.hotline.danger import phrasebook

        phrasebook()
