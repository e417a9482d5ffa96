from django.apps import AppConfig


class PepsConfig(AppConfig):
    name = "peps"
    label = "peps"
    verbose_name = "PEPs"
