from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "vschool.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
