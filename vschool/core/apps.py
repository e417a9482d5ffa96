from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vschool.core"
    label = "core"
    verbose_name = "Core"
