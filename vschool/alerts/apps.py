from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "vschool.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Alert

        # Assignment and snoozing are people's decisions: keep their history (scan fields change nightly, so skip those).
        auditlog.register(Alert, include_fields=["assignee", "snoozed_until", "snooze_reason", "resolved_at"])
