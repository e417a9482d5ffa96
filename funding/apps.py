from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    label = "funding"
    verbose_name = "PP+ funding"
