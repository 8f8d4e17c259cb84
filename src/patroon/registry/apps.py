from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "patroon.registry"
    verbose_name = "Femicide Monitor"

    def ready(self) -> None:
        # Refuse to start on a malformed framework or mapping file.
        from patroon.registry.framework import framework
        from patroon.registry.mappings import mapping

        framework()
        mapping("es-dgvg")
        mapping("ar-minjus")
