from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "vschool.alerts"
    label = "alerts"
    verbose_name = "Alerts"
