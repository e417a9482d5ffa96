from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "vschool.audit"
    label = "audit"
    verbose_name = "Audit"
