from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    name = "admissions"
    label = "admissions"
    verbose_name = "Admissions"
