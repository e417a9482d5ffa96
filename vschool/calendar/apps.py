from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "vschool.calendar"
    label = "calendar"
    verbose_name = "School calendar"
