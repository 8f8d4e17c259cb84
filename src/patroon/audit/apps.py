from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "patroon.audit"
    label = "audit"
    verbose_name = "Audit trail"
