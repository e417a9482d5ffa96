from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"
    label = "attendance"
    verbose_name = "Attendance and exclusions"
