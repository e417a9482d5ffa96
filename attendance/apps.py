from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"
    label = "attendance"
    verbose_name = "Attendance and exclusions"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models, rules  # noqa: F401

        for model in (models.SessionMark, models.WeeklyReturn, models.Exclusion, models.PartTimeTimetable,
                      models.AlternativeProvision, models.ImportBatch):
            auditlog.register(model)
